"""Yes, no or a bare value outside a form: read against the bot's latest offer, else against the tasks that
such a value can start (the manifests' `bare_values`), offered as buttons."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from engine.sdk import button
from engine.sdk.offers import Offer, accepting, carry, message_values, offer, pending_offer
from engine.skills.loader import bare_value_intents, intent_titles

AFFIRM, DENY = "affirm", "deny"
TASK_BUTTONS = 3


def likely_tasks(values: Mapping[str, Any], titles: Mapping[str, str]) -> List[str]:
    """The served tasks the values can start, likeliest first (those with a title to show)."""
    return [intent for intent in bare_value_intents(values) if intent in titles][:TASK_BUTTONS]


class ActionAnswer(Action):
    """Rules send yes, no and bare values here: outside a form, and inside one when its slots took nothing."""

    def name(self) -> str:
        return "action_answer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        if tracker.active_loop_name:
            # A form's question that this message did not answer (its slot mappings took nothing): say so, and the
            # form asks again, instead of a reply meant for outside a form followed by the same question.
            dispatcher.utter_message(response="utter_answer_the_question")
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        found = pending_offer(tracker)
        if intent != DENY:
            accepted = accepting(tracker, agreed=intent == AFFIRM)
            if accepted:
                return accepted
        if intent == AFFIRM:
            dispatcher.utter_message(response="utter_nothing_to_confirm")
        elif intent == DENY:
            dispatcher.utter_message(response="utter_offer_declined" if found else "utter_ok_anything_else")
        else:
            self._bare_value(dispatcher, tracker, found)
        return []

    @staticmethod
    def _bare_value(dispatcher: CollectingDispatcher, tracker: Tracker, found: Offer | None) -> None:
        values = message_values(tracker.latest_message)
        titles = intent_titles()
        tasks = likely_tasks(values, titles)
        if not tasks:
            dispatcher.utter_message(response="utter_inform_without_task", **carry(found))
            return
        # One likely task: «да» starts it. Several: the buttons choose, and a pending offer stays open meanwhile.
        dispatcher.utter_message(
            response="utter_which_task_for_value",
            buttons=[button(titles[intent].capitalize(), intent, **values) for intent in tasks],
            **(offer(tasks[0], **values) if len(tasks) == 1 else carry(found)),
        )
