import io
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.sdk import resident_for, session_scope
from skills.marketplace import admin, orders, providers
from skills.marketplace.models import MarketProvider
from skills.marketplace.tests.conftest import NOW, Factory, moscow


class FakeRasa:
    def __init__(self, answer=True):
        self.answer, self.calls = answer, []

    def __call__(self, url, payload):
        self.calls.append((url, payload))
        return self.answer


@pytest.fixture
def application(store, monkeypatch):
    monkeypatch.setenv("ASSISTANT_RASA_URL", "http://rasa.test:5005")
    monkeypatch.setenv("RASA_API_TOKEN", "s3cret")
    with session_scope() as session:
        resident = resident_for(session, "telegram", "tg 42")
        provider = providers.apply(session, resident, "Пётр", ["plumber"], ["Южный"], "+79123456789")
        return provider.id


def _run(argv, post=None):
    out = io.StringIO()
    code = admin.main(argv, post=post or FakeRasa(), out=out)
    return code, out.getvalue()


def test_applications_lists_pending_ones(application):
    code, output = _run(["applications"])
    assert (code, output) == (0, f"{application}\tПётр\t+79123456789\tсантехник\tЮжный\n")
    with session_scope() as session:
        providers.decide(session, application, approve=True)
    assert _run(["applications"]) == (0, "Заявок на модерации нет.\n")


def test_approve_tells_the_applicant_in_every_channel(application):
    rasa = FakeRasa()
    code, output = _run(["approve", str(application)], rasa)
    assert code == 0 and output == (
        f"Заявка № {application} (Пётр): одобрена.\nЗаявитель уведомлён (1 из 1 каналов).\n"
    )
    assert rasa.calls == [
        (
            "http://rasa.test:5005/conversations/telegram:tg%2042/trigger_intent?output_channel=latest&token=s3cret",
            {"name": admin.DECIDED_INTENT, "entities": {}},
        )
    ]
    with session_scope() as session:
        assert session.get(MarketProvider, application).status == "approved"
    assert _run(["approve", str(application)]) == (1, f"Заявка № {application} уже рассмотрена: одобрена.\n")
    assert _run(["reject", "999", "--reason", "нет"]) == (1, "Заявки № 999 нет.\n")


def test_reject_with_an_unreachable_assistant_says_so(application):
    code, output = _run(["reject", str(application), "--reason", "нет документов"], FakeRasa(answer=False))
    assert code == 0 and "отклонена" in output and "Уведомить заявителя не удалось" in output
    with session_scope() as session:
        assert session.get(MarketProvider, application).decision_reason == "нет документов"


def test_the_real_poster_reports_an_unreachable_server():
    assert admin.post_json("http://127.0.0.1:9/conversations/x/trigger_intent", {"name": "x"}) is False


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
    assert (
        code == 0
        and output.startswith(f"Заказ № {order_id}: сантехник, ")
        and output.endswith(", выполнен (Иван).\n")
    )
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
