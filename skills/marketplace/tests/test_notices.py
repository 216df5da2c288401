"""What residents are told unasked goes through the engine's notification service (notices.py, SQLite and
PostgreSQL): an order moved by its provider or by an administrator tells its customer, an application decided tells
the applicant; each notice is said once, by the action of its intent, in the conversation it was delivered to."""

import io

from engine.sdk import NOTIFICATION_ENTITY, resident_for, session_scope
from engine.testing import make_tracker, run_action, scheduled_notifications, texts
from skills.marketplace import admin, notices, providers
from skills.marketplace.actions.my_orders import ActionMarketOrderStatus
from skills.marketplace.actions.provider import ActionMarketApplicationDecided
from skills.marketplace.tests.conversations import mark, place


def marketplace_notices():
    """(id, name, entities, conversation) of the pending notifications of the skill's orders and applications."""
    return [
        (number, name, entities, conversation)
        for number, name, _, entities, conversation in scheduled_notifications()
        if name.startswith(("order-", "application-"))
    ]


def notice_tracker(notification, sender, intent, channel="rest", **entities):
    found = [{"entity": k, "value": v} for k, v in {**entities, NOTIFICATION_ENTITY: notification}.items()]
    return make_tracker("", intent, entities=found, sender_id=sender, channel=channel)


def order_notice(notification, number, sender="resident-1"):
    tracker = notice_tracker(
        notification, sender, notices.ORDER_NOTICE_INTENT, **{notices.ORDER_ENTITY: str(number)}
    )
    return run_action(ActionMarketOrderStatus(), tracker)


def admin_run(argv):
    out = io.StringIO()
    return admin.main(argv, out=out), out.getvalue()


def test_the_providers_move_tells_the_customer_once(demo_store):
    number = place()
    assert marketplace_notices() == []  # placing an order is answered in the conversation itself
    mark(number)  # master-ivan: «заказ N выполнен»
    ((notification, name, entities, conversation),) = marketplace_notices()
    assert (name, entities, conversation) == (
        f"order-{number}",
        {notices.ORDER_ENTITY: str(number)},
        "rest:resident-1",
    )
    messages, _ = order_notice(notification, number)
    said = texts(messages)
    assert said.startswith(f"Новости по вашему заказу. Заказ № {number}: сантехник, "), said
    assert "выполнен (Иван Петров)" in said and "Не оплачен" in said, said
    assert order_notice(notification, number)[0] == []  # said once
    assert marketplace_notices() == []


def test_an_order_notice_is_said_only_in_its_own_conversation_and_of_an_own_order(demo_store):
    number = place()
    mark(number, f"подтверждаю заказ {number}")
    ((notification, *_),) = marketplace_notices()
    assert order_notice(notification, number, sender="someone-else")[0] == []  # not delivered there
    assert order_notice("999999", number)[0] == []  # an id typed by hand silences nothing and says nothing
    other = place(sender="resident-2", hour="12:00")
    assert order_notice(notification, other)[0] == []  # the notice's id, another resident's order: silence
    assert marketplace_notices() == []  # taken by that attempt: a forged order number gains nothing


def test_the_administrators_move_tells_the_customer(demo_store):
    number = place()
    code, output = admin_run(["order-state", str(number), "in_progress"])
    ((notification, name, _, conversation),) = marketplace_notices()
    assert (code, name, conversation) == (0, f"order-{number}", "rest:resident-1")
    assert output.endswith(f"Житель получит уведомление в своём канале (уведомление № {notification}).\n")
    assert ", в работе (Иван Петров)." in texts(order_notice(notification, number)[0])


def test_a_second_move_before_delivery_moves_the_pending_notice(demo_store):
    number = place()
    admin_run(["order-state", str(number), "confirmed"])
    admin_run(["order-state", str(number), "in_progress"])
    ((notification, *_),) = marketplace_notices()
    assert ", в работе (Иван Петров)." in texts(
        order_notice(notification, number)[0]
    )  # the state it has when said


def test_the_decision_reaches_the_applicant_through_the_service(demo_store):
    with session_scope() as session:
        resident = resident_for(session, "telegram", "tg 42")
        application = providers.apply(session, resident, "Пётр", ["plumber"], ["Южный"], "+79123456789").id
    code, output = admin_run(["approve", str(application)])
    ((notification, name, entities, conversation),) = marketplace_notices()
    assert (code, name, entities, conversation) == (0, f"application-{application}", {}, "telegram:tg 42")
    assert output == (
        f"Заявка № {application} (Пётр): одобрена.\n"
        f"Житель получит уведомление в своём канале (уведомление № {notification}).\n"
    )
    decided = notice_tracker(notification, "tg 42", notices.DECIDED_INTENT, channel="telegram")
    messages, _ = run_action(ActionMarketApplicationDecided(), decided)
    assert texts(messages).startswith("Ваша заявка в кооператив одобрена, Пётр!")
    assert run_action(ActionMarketApplicationDecided(), decided)[0] == []  # said once


def test_the_decision_intent_typed_by_hand_says_nothing(demo_store):
    tracker = make_tracker(
        "EXTERNAL_market_application_decided", notices.DECIDED_INTENT, sender_id="applicant-petr"
    )
    assert run_action(ActionMarketApplicationDecided(), tracker)[0] == []
