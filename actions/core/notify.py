"""Where the resident's notifications go: a channel they write from, chosen by name or with buttons
(engine/delivery.py delivers there)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.core.profile import channel_names
from engine import residents
from engine.channels import PUSH_CHANNELS
from engine.delivery import choose_notify_channel
from engine.sdk import button, channel_identity, entity_value, offer, session_scope
from engine.skills.discovery import core_package

INTENT = "notify_channel"
ENTITY = "channel"


@lru_cache(maxsize=1)
def choosable_channels() -> Tuple[str, ...]:
    """The channels a resident may choose, in the order they are offered: the canonical values of `channel` in the
    core's manifest (domain/manifest.yml)."""
    return tuple(core_package().manifest.canonical_values[ENTITY].values)


def channel_name(channel: str) -> str:
    """A channel as a resident reads it (domain/lexicon.yml `channel_names`)."""
    return channel_names().get(channel, channel)


class ActionNotifyChannel(Action):
    """A named channel the resident writes from becomes theirs for notifications; a channel they do not write from
    is explained (write there and link the same phone); with none named, their channels are offered as buttons."""

    def name(self) -> str:
        return "action_notify_channel"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        wanted = entity_value(tracker, ENTITY)
        if wanted in choosable_channels() and wanted not in PUSH_CHANNELS:
            dispatcher.utter_message(
                response="utter_notify_channel_cannot_push", channel_name=channel_name(wanted)
            )
        elif wanted in choosable_channels():
            self._choose(dispatcher, tracker, str(wanted))
        else:
            self._ask(dispatcher, tracker)
        return []

    @staticmethod
    def _choose(dispatcher: CollectingDispatcher, tracker: Tracker, wanted: str) -> None:
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            chosen = choose_notify_channel(session, identity, wanted)
        response = "utter_notify_channel_set" if chosen else "utter_notify_channel_not_connected"
        dispatcher.utter_message(response=response, channel_name=channel_name(wanted))

    @staticmethod
    def _ask(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """Which channel: buttons for the resident's own channels; a channel named in reply answers it too."""
        channel, external_id = channel_identity(tracker)
        with session_scope() as session:
            identity = residents.identity_for(session, channel, external_id)
            own = {other.channel for other in identity.resident.identities}
        choices = [c for c in choosable_channels() if c in own and c in PUSH_CHANNELS]
        if not choices:
            dispatcher.utter_message(response="utter_notify_channel_none")
            return
        buttons = [button(channel_name(c).capitalize(), INTENT, **{ENTITY: c}) for c in choices]
        values = {"channel_name": channel_name(choices[0])} if len(choices) == 1 else {}
        dispatcher.utter_message(
            response="utter_notify_channel_only_one" if len(choices) == 1 else "utter_notify_channel_which",
            buttons=buttons,
            **values,
            **offer(INTENT, accepts=[ENTITY]),
        )
