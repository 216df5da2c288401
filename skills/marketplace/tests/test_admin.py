import io
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.sdk import resident_for, session_scope
from engine.testing import scheduled_notifications
from skills.marketplace import admin, orders, providers
from skills.marketplace.models import MarketProvider
from skills.marketplace.tests.conftest import NOW, Factory, moscow


@pytest.fixture
def application(store):
    with session_scope() as session:
        resident = resident_for(session, "telegram", "tg 42")
        provider = providers.apply(session, resident, "Пётр", ["plumber"], ["Южный"], "+79123456789")
        return provider.id


def _run(argv):
    out = io.StringIO()
    code = admin.main(argv, out=out)
    return code, out.getvalue()


def test_applications_lists_pending_ones(application):
    code, output = _run(["applications"])
    assert (code, output) == (0, f"{application}\tПётр\t+79123456789\tсантехник\tЮжный\n")
    with session_scope() as session:
        providers.decide(session, application, approve=True)
    assert _run(["applications"]) == (0, "Заявок на модерации нет.\n")


def test_approve_tells_the_applicant_through_the_notification_service(application):
    code, output = _run(["approve", str(application)])
    ((notification, name, _, _, conversation),) = scheduled_notifications()
    assert code == 0 and output == (
        f"Заявка № {application} (Пётр): одобрена.\n"
        f"Житель получит уведомление в своём канале (уведомление № {notification}).\n"
    )
    assert (name, conversation) == (f"application-{application}", "telegram:tg 42")
    with session_scope() as session:
        assert session.get(MarketProvider, application).status == "approved"
    assert _run(["approve", str(application)]) == (1, f"Заявка № {application} уже рассмотрена: одобрена.\n")
    assert _run(["reject", "999", "--reason", "нет"]) == (1, "Заявки № 999 нет.\n")
    assert len(scheduled_notifications()) == 1  # a refused decision tells nobody


def test_reject_keeps_the_reason(application):
    code, output = _run(["reject", str(application), "--reason", "нет документов"])
    assert code == 0 and "отклонена" in output and "Житель получит уведомление" in output
    with session_scope() as session:
        assert session.get(MarketProvider, application).decision_reason == "нет документов"


def test_order_state_and_verify_log(store):
    with session_scope() as session:
        factory = Factory(session)
        factory.provider("Иван")
        order_id = orders.place_order(
            session,
            factory.resident("c"),
            "plumber",
            "ул. Речная, 1",
            moscow(NOW.date() + timedelta(days=1), 10),
            now=NOW,
        ).id
    code, output = _run(["order-state", str(order_id), "done"])
    summary, told = output.splitlines()
    assert (
        code == 0
        and summary.startswith(f"Заказ № {order_id}: сантехник, ")
        and summary.endswith(", выполнен (Иван).")
    )
    (notification,) = [n for n, name, *_ in scheduled_notifications() if name == f"order-{order_id}"]
    assert told == f"Житель получит уведомление в своём канале (уведомление № {notification})."
    assert _run(["order-state", str(order_id), "confirmed"]) == (
        1,
        f"Заказ № {order_id} сейчас «выполнен» — перевести его в «подтверждён исполнителем» нельзя.\n",
    )
    assert _run(["order-state", "999", "done"]) == (1, "Заказа № 999 нет.\n")
    assert _run(["verify-log"]) == (0, "Журнал договорных событий цел: цепочка хешей сходится.\n")
    with session_scope() as session:  # done wrote two events: order_done, warranty_started
        session.execute(text("UPDATE market_contract_events SET kind = 'forged' WHERE id = 2"))
    code, output = _run(["verify-log"])
    assert (code, output) == (1, "Журнал повреждён: запись № 2 изменена или вставлена вне цепочки.\n")
