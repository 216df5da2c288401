"""The marketplace tells residents through the one notification service (SQLite and PostgreSQL): an order's state
changed by an administrator (or its provider) reaches the orderer in their preferred channel, and the decision on
an application reaches the applicant with a retry after a failed delivery and a record of the delivery; nothing
is posted to Rasa directly."""

import io
from datetime import timedelta

from sqlalchemy import update

from engine.notifications import DELIVERED, PENDING
from engine.notifier import Delivery, deliver_due
from engine.sdk import clock
from engine.store import session_scope, utcnow
from engine.store.models import ScheduledNotification
from skills.marketplace import admin, notices, orders, providers
from skills.marketplace.tests.conftest import Factory
from tests.store.resident_helpers import resident_with

RASA = "http://rasa.test:5005"


def placed_order(customer: int) -> int:
    """An order of `customer` for tomorrow at 10:00, with a plumber who works then."""
    with session_scope() as session:
        Factory(session).provider("Иван")
        start = clock.local_moment(clock.today() + timedelta(days=1), 10)
        return orders.place_order(session, customer, "plumber", "Заречный район, ул. Речная, 1", start).id


def run_admin(*argv: str) -> str:
    out = io.StringIO()
    assert admin.main(list(argv), out=out) == 0, out.getvalue()
    return out.getvalue()


def rows():
    with session_scope() as session:
        found = session.query(ScheduledNotification).order_by(ScheduledNotification.id).all()
        return [
            (r.skill, r.name, r.intent, r.conversation_id, r.channel, r.status, r.attempts, r.delivered_at)
            for r in found
        ]


class Recorder:
    """Stands for the notifier's delivery into Rasa: records what it was asked to deliver, answers `ok`."""

    def __init__(self, ok: bool = True) -> None:
        self.ok, self.due = ok, []

    def __call__(self, due) -> bool:
        self.due.append(due)
        return self.ok


def test_a_state_change_by_the_administrator_reaches_the_orderers_chosen_channel(store):
    customer = resident_with(("telegram", "555", 30), ("webchat", "s1", 1), chosen="telegram")
    number = placed_order(customer)
    assert rows() == []
    assert "Житель получит уведомление в своём канале" in run_admin("order-state", str(number), "confirmed")
    recorder = Recorder()
    assert deliver_due("w1", recorder) == 1
    (due,) = recorder.due
    assert (due.conversation_id, due.channel, due.intent) == (
        "telegram:555",
        "telegram",
        "market_order_status",
    )
    assert due.entities == {notices.ORDER_ENTITY: str(number)}
    assert Delivery(RASA).url(due) == (
        f"{RASA}/conversations/telegram:555/trigger_intent?output_channel=latest"
    )
    ((skill, name, _, conversation, channel, status, attempts, delivered_at),) = rows()
    assert (skill, name, conversation, channel, status, attempts) == (
        "marketplace",
        f"order-{number}",
        "telegram:555",
        "telegram",
        DELIVERED,
        1,
    )
    assert delivered_at is not None


def test_the_providers_move_reaches_the_orderer_seen_last(store):
    customer = resident_with(("telegram", "555", 30), ("webchat", "s1", 1))
    number = placed_order(customer)
    master = resident_with(("telegram", "777", 5))
    with session_scope() as session:
        orders.order_by_id(session, number).provider.resident_id = master
        session.flush()
        orders.advance(session, master, number, orders.DONE)
    recorder = Recorder()
    assert deliver_due("w1", recorder) == 1
    assert [(d.conversation_id, d.intent) for d in recorder.due] == [("webchat:s1", "market_order_status")]


def test_the_applicants_decision_is_retried_after_a_failed_delivery_and_recorded(store):
    applicant = resident_with(("webchat", "s1", 1))
    with session_scope() as session:
        application = providers.apply(session, applicant, "Пётр", ["plumber"], ["Южный"], "+79123456789").id
    assert "уведомление №" in run_admin("approve", str(application))

    down = Recorder(ok=False)  # the assistant is unreachable
    assert deliver_due("w1", down) == 0
    (due,) = down.due
    assert (due.conversation_id, due.intent) == ("webchat:s1", notices.DECIDED_INTENT)
    (row,) = rows()
    assert row[5:7] == (PENDING, 1)  # released for a later retry
    assert deliver_due("w1", Recorder()) == 0  # not before its back-off has passed

    with session_scope() as session:  # the back-off has passed
        session.execute(update(ScheduledNotification).values(due_at=utcnow() - timedelta(seconds=1)))
    up = Recorder()
    assert deliver_due("w1", up) == 1
    assert [(d.id, d.conversation_id, d.attempts) for d in up.due] == [(due.id, "webchat:s1", 2)]
    (row,) = rows()
    assert row[:7] == (
        "marketplace",
        f"application-{application}",
        notices.DECIDED_INTENT,
        "webchat:s1",
        "webchat",
        DELIVERED,
        2,
    )
    assert row[7] is not None


def test_an_applicant_without_a_channel_cannot_be_told_and_the_administrator_hears_so(store):
    applicant = resident_with()
    with session_scope() as session:
        application = providers.apply(session, applicant, "Пётр", ["plumber"], ["Южный"], "+79123456789").id
    assert "Уведомить жителя некуда" in run_admin("reject", str(application), "--reason", "нет документов")
    assert rows() == []
