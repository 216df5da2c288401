"""The resident chooses where notifications go: among the channels they write from, named or with buttons."""

import pytest
from sqlalchemy import select

from actions.core.notify import ActionNotifyChannel, choosable_channels
from engine import residents
from engine.delivery import delivery_conversation
from engine.sdk.offers import OFFER_KEY
from engine.store import session_scope
from engine.store.models import ChannelIdentity, Resident
from engine.testing import make_tracker, run_action, texts

SENDER = "webchat:s1"


def ask(channel=None, text="присылай уведомления в телеграм", sender=SENDER, input_channel="webchat"):
    """Runs the action on a message of the resident in the web chat: (messages, events)."""
    entities = [{"entity": "channel", "value": channel}] if channel else []
    tracker = make_tracker(text, "notify_channel", entities=entities, sender_id=sender, channel=input_channel)
    return run_action(ActionNotifyChannel(), tracker)


def also_in(*identities) -> int:
    """The web-chat resident of SENDER with identities in other channels too (linked by phone); their id."""
    with session_scope() as session:
        identity = residents.identity_for(session, "webchat", "s1")
        identity.resident.phone = "+79123456789"
        for channel, external in identities:
            session.add(ChannelIdentity(channel=channel, external_id=external, resident=identity.resident))
        session.flush()
        return identity.resident_id


def chosen(resident: int):
    with session_scope() as session:
        return session.get(Resident, resident).notify_channel


def test_the_choosable_channels_are_the_canonical_values_of_the_entity():
    assert choosable_channels() == ("telegram", "webchat", "alice")


def test_a_channel_the_resident_writes_from_is_chosen(store):
    resident = also_in(("telegram", "555"))
    messages, events = ask("telegram")
    assert [m["response"] for m in messages] == ["utter_notify_channel_set"]
    assert texts(messages) == "Готово: уведомления и напоминания буду присылать в канал «Telegram»."
    assert events == []
    assert chosen(resident) == "telegram"
    with session_scope() as session:
        # the web chat is the channel seen last (the resident is writing there), the choice wins
        assert delivery_conversation(session, resident) == ("telegram", "telegram:555")


def test_the_channel_of_this_conversation_can_be_chosen_too(store):
    resident = also_in(("telegram", "555"))
    messages, _ = ask("webchat", text="уведомления в веб-чат")
    assert texts(messages) == "Готово: уведомления и напоминания буду присылать в канал «веб-чат»."
    assert chosen(resident) == "webchat"


def test_a_channel_not_connected_is_explained(store):
    resident = also_in()
    messages, events = ask("telegram", text="присылай уведомления в телеграм")
    assert [m["response"] for m in messages] == ["utter_notify_channel_not_connected"]
    said = texts(messages)
    assert said.startswith("Канал «Telegram» пока не связан с вашим профилем.")
    assert "«привяжи телефон»" in said
    assert events == [] and chosen(resident) is None


def test_no_channel_named_offers_the_residents_own_channels(store):
    also_in(("telegram", "555"), ("rest", "api-1"))
    messages, events = ask(text="куда присылать уведомления")
    (message,) = messages
    assert message["response"] == "utter_notify_channel_which"
    assert texts(messages) == "Куда присылать уведомления и напоминания? Выберите канал."
    assert message["buttons"] == [
        {"title": "Telegram", "payload": '/notify_channel{"channel": "telegram"}'},
        {"title": "Веб-чат", "payload": '/notify_channel{"channel": "webchat"}'},
    ]
    # a channel named in reply («в телегу») answers the question
    assert message[OFFER_KEY]["intent"] == "notify_channel"
    assert message[OFFER_KEY]["accepts"] == ["channel"]
    assert events == []


@pytest.mark.parametrize("value", [None, "viber", "telegramm"])
def test_a_single_channel_is_named_with_how_to_add_another(store, value):
    messages, _ = ask(value, text="уведомления в вайбер")
    (message,) = messages
    assert message["response"] == "utter_notify_channel_only_one"
    assert texts(messages).startswith("Сейчас у вас один канал связи — «веб-чат», уведомления приходят сюда.")
    assert [b["payload"] for b in message["buttons"]] == ['/notify_channel{"channel": "webchat"}']
    with session_scope() as session:
        assert session.execute(select(Resident.notify_channel)).scalars().all() == [None]


def test_a_resident_without_a_choosable_channel_is_told_where_notifications_can_go(store):
    messages, _ = ask(sender="rest:api-1", input_channel="rest")
    assert [m["response"] for m in messages] == ["utter_notify_channel_none"]
    assert "«привяжи телефон»" in texts(messages)
    assert "buttons" not in messages[0] or not messages[0]["buttons"]


def test_the_button_payload_chooses_the_channel(store):
    resident = also_in(("telegram", "555"))
    messages, _ = ask("telegram", text='/notify_channel{"channel": "telegram"}')
    assert texts(messages) == "Готово: уведомления и напоминания буду присылать в канал «Telegram»."
    assert chosen(resident) == "telegram"


def test_alice_cannot_be_chosen_it_only_answers(store):
    resident = also_in(("alice", "yandex-1"))
    messages, _ = ask("alice", text='/notify_channel{"channel": "alice"}')
    assert texts(messages) == (
        "«Алиса» отвечает, только когда к ней обращаются, — сама написать не может. "
        "Уведомления могу присылать в Telegram или веб-чат."
    )
    assert chosen(resident) is None
