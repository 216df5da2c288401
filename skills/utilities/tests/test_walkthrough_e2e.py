"""The issue's walkthrough through the real servers (`python -m engine run`), in Russian over REST: a new resident
is told to confirm a phone first, confirms the phone on the demo account's contract and links it, asks the balance, sends two readings in one message, pays, sees the payment in the history;
then a reminder is set and, when it comes due, the engine's notifier says it in the same conversation."""

import time
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, select, update

from engine.sdk import Base
from engine.testing import RestClient, bring_notifications_due, free_port, running_assistant
from skills.utilities import clock
from skills.utilities.models import UtilitiesAccount, UtilitiesMeter

ACCOUNT, HOLDER_PHONE = "1002003004", "+79123454321"  # demo data: the phone on the account's contract


def todays_window() -> str:
    """A reading window that is open today, whatever the date (it must open on a day every month has)."""
    return f"{min(clock.today().day, 28)}-31"


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("utilities-e2e")
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    env = {
        "DATABASE_URL": database_url,
        "UTILITIES_READING_WINDOW": todays_window(),
        "ASSISTANT_NOTIFY_POLL_SECONDS": "0.5",
    }
    with running_assistant(port, action_port, env):
        yield RestClient(port, database_url)


def confirm_phone(database_url: str, sender: str, phone: str) -> None:
    """The REST sender's resident confirms `phone`, as the core's one-time code leaves it (residents.phone): the code
    itself goes to a phone the test does not have."""
    residents, identities = Base.metadata.tables["residents"], Base.metadata.tables["channel_identities"]
    resident = (
        select(identities.c.resident_id)
        .where(identities.c.channel == "rest", identities.c.external_id == sender)
        .scalar_subquery()
    )
    with create_engine(database_url).begin() as connection:
        assert (
            connection.execute(
                update(residents).where(residents.c.id == resident).values(phone=phone)
            ).rowcount
            == 1
        )


def electricity_readings(database_url: str) -> dict:
    """The demo flat's last day and night readings, as the store has them."""
    with create_engine(database_url).connect() as connection:
        rows = connection.execute(
            select(UtilitiesMeter.zone, UtilitiesMeter.last_reading)
            .join(UtilitiesAccount, UtilitiesMeter.account_id == UtilitiesAccount.id)
            .where(UtilitiesAccount.number == ACCOUNT, UtilitiesMeter.resource == "electricity")
        ).all()
    return {zone: Decimal(str(value)) for zone, value in rows}


@pytest.mark.slow
def test_new_resident_walkthrough_in_russian(assistant):
    sender = f"e2e-utilities-{uuid.uuid4().hex[:8]}"

    refused = assistant.say(sender, f"привяжи лицевой счёт {ACCOUNT}")
    assert "сначала подтвердите свой номер телефона" in refused, refused
    confirm_phone(assistant.database_url, sender, HOLDER_PHONE)
    linked = assistant.say(sender, f"привяжи лицевой счёт {ACCOUNT}")
    assert f"Готово: лицевой счёт № {ACCOUNT}" in linked and "ул. Ленина, 15" in linked, linked

    balance = assistant.say(sender, "покажи остаток по счёту")
    assert f"Лицевой счёт № {ACCOUNT}" in balance and "К оплате:" in balance, balance

    last = electricity_readings(assistant.database_url)
    day, night = int(last["day"]) + 150, int(last["night"]) + 80
    readings = assistant.say(sender, f"передаю показания свет день {day} ночь {night}")
    assert "Показания приняты" in readings, readings
    assert f"электроэнергия (день): {day}" in readings and f"электроэнергия (ночь): {night}" in readings, (
        readings
    )
    assert "Ориентировочно к начислению" in readings, readings

    confirm = assistant.say(sender, "оплати квартплату")
    assert f"по лицевому счёту № {ACCOUNT}?" in confirm and "ТЕСТОВЫЙ ПЛАТЁЖ (песочница)" in confirm, confirm
    receipt = assistant.say(sender, "да")
    assert "ТЕСТОВЫЙ ПЛАТЁЖ" in receipt and "Платёж виден в истории платежей" in receipt, receipt
    assert "Долга нет" in receipt, receipt

    history = assistant.say(sender, "покажи историю платежей")
    assert f"Последние платежи по счёту № {ACCOUNT}" in history and "через помощника" in history, history
    assert "квитанция № TEST-" in history, history


@pytest.mark.slow
def test_a_reminder_is_said_in_the_same_conversation(assistant):
    sender = f"e2e-reminder-{uuid.uuid4().hex[:8]}"
    assistant.say(sender, "привяжи лицевой счёт 2003004005")  # no confirmed phone yet: the resident is made
    confirm_phone(assistant.database_url, sender, "+79035557788")  # demo data: the phone on its contract
    assert "Готово" in assistant.say(sender, "привяжи лицевой счёт 2003004005")
    promised = assistant.say(sender, "напомни заплатить до 10-го")
    assert "Напомню заплатить за квартиру" in promised, promised

    assert not [e for e in assistant.events(sender) if e.get("event") == "reminder"]  # not in Rasa's memory
    before = len(assistant.bot_texts(sender))
    assert (
        bring_notifications_due(assistant.database_url, assistant.conversation_id(sender)) == 1
    )  # the time comes
    deadline, said = time.monotonic() + 30, []
    while time.monotonic() < deadline and not said:
        time.sleep(0.5)
        said = [t for t in assistant.bot_texts(sender)[before:] if "пора оплатить квартиру" in t]
    assert said == ["Напоминаю: пора оплатить квартиру и коммунальные услуги."], said
    time.sleep(2)  # a few more notifier rounds: said once
    later = assistant.bot_texts(sender)[before:]
    assert sum("пора оплатить квартиру" in t for t in later) == 1, later
