"""The issue's walkthrough through the real servers (`python -m engine run`), in Russian over REST: a resident finds
a plumber for tomorrow, orders without choosing (dispatch picks), pays; the provider marks the order done from
their side; the resident reviews it and opens a warranty claim, which is accepted."""

import re
import uuid

import pytest
from sqlalchemy import create_engine, func, select

from engine.sdk import Payment
from engine.testing import RestClient, free_port, running_assistant
from skills.marketplace.models import MarketClaim, MarketOrder

PROVIDER = "master-ivan"  # demo identity of Иван Петров, the best-rated plumber
ADDRESS = "ул. Ленина, 15, кв. 3, Заречный район"


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("marketplace-e2e")
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    with running_assistant(port, action_port, {"DATABASE_URL": database_url}):
        yield RestClient(port, database_url)


def scalar(database_url: str, query):
    with create_engine(database_url).connect() as connection:
        return connection.execute(query).scalar()


@pytest.mark.slow
def test_find_order_pay_done_review_and_warranty_in_russian(assistant):
    resident = f"e2e-market-{uuid.uuid4().hex[:8]}"

    found = assistant.say(resident, "нужен сантехник на завтра")
    assert "Нашёл предложения «сантехник»" in found and "Иван Петров" in found, found

    asked = assistant.say(resident, "закажи сантехника на завтра в 10")
    assert "По какому адресу" in asked, asked
    confirm = assistant.say(resident, ADDRESS)
    assert "Исполнитель: Иван Петров" in confirm and "подобран автоматически" in confirm, confirm
    assert "Оформить заказ?" in confirm, confirm
    placed = assistant.say(resident, "да")
    assert "Готово! Заказ №" in placed and "исполнитель назначен (Иван Петров)" in placed, placed
    order_id = int(re.search(r"Заказ № (\d+)", placed).group(1))

    pay = assistant.say(resident, "хочу оплатить заказ")
    assert f"Оплатить заказ № {order_id}" in pay and "ТЕСТОВЫЙ ПЛАТЁЖ" in pay, pay
    receipt = assistant.say(resident, "да")
    assert "Квитанция №" in receipt and "взнос кооперативу" in receipt, receipt
    payments = select(func.count(Payment.id)).where(Payment.purpose == f"market_order:{order_id}")
    assert scalar(assistant.database_url, payments) == 1
    assert "уже оплачен" in assistant.say(resident, f"оплати заказ {order_id}")
    assert scalar(assistant.database_url, payments) == 1

    done = assistant.say(PROVIDER, f"заказ {order_id} выполнен")
    assert "Отметил" in done and "выполнен" in done and "Гарантия на работу началась" in done, done
    state = select(MarketOrder.state).where(MarketOrder.id == order_id)
    assert scalar(assistant.database_url, state) == "done"

    comment = assistant.say(resident, "ставлю мастеру пятёрку")
    assert "пару слов о работе" in comment, comment
    thanked = assistant.say(resident, "приехал вовремя всё аккуратно")
    assert f"Оценка 5 к заказу № {order_id} сохранена" in thanked, thanked

    claim = assistant.say(resident, "после ремонта опять течёт")
    assert "Гарантийный случай №" in claim and "принят" in claim and "Бесплатный повторный визит" in claim, (
        claim
    )
    claims = select(func.count(MarketClaim.id)).where(
        MarketClaim.order_id == order_id, MarketClaim.status == "accepted"
    )
    assert scalar(assistant.database_url, claims) == 1
