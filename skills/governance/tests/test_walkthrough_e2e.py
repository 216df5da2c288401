"""The issue's walkthrough through the real servers (`python -m engine run`), in Russian over REST: a member sees
the open votes, votes and changes the vote; the vote's deadline passes, the scheduled close adopts the lower
commission, the member is told, and the next marketplace payment splits with the new percent; then an МФЦ slot is
booked, a fine is paid and an appeal is filed and its status asked."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, update

from engine.sdk import Payment, job_conversation, utcnow
from engine.testing import RestClient, bring_notifications_due, free_port, running_assistant
from skills.governance.models import Appeal, Proposal

MEMBER = "me"  # a member of the cooperative in the demo data
FINE = "18810177261106000016"  # the demo's speeding fine, its 50% discount running


@pytest.fixture(scope="module")
def assistant(trained_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("governance-e2e")
    port, action_port = free_port(), free_port()
    database_url = f"sqlite:///{folder / 'assistant.db'}"
    env = {"DATABASE_URL": database_url, "GOV_MINUTES_KEY": "e2e-minutes-key"}
    with running_assistant(port, action_port, env):
        yield RestClient(port, database_url)


def press(client: RestClient, sender: str, replies: list, title: str = "") -> list:
    """Presses the first button of `replies` whose title holds `title`; the replies to the press."""
    buttons = [b for reply in replies for b in reply.get("buttons") or [] if title in b["title"]]
    assert buttons, f"no button {title!r} in {replies}"
    return client.replies(sender, buttons[0]["payload"])


def joined(replies: list) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def store(database_url: str, statement):
    """Runs `statement` in the running assistant's store; the first column of its first row, if any."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            result = connection.execute(statement)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


@pytest.mark.slow
def test_vote_scheduled_close_new_commission_then_appointment_fine_and_appeal(assistant):
    votes = assistant.say(MEMBER, "какие сейчас голосования")
    assert "Идут голосования:" in votes and "Снизить комиссию кооператива до 7%" in votes, votes
    cast = assistant.say(MEMBER, "голосую за первое")
    assert "Учёл ваш голос «за» по № 1 «Снизить комиссию кооператива до 7%»" in cast, cast
    changed = assistant.say(MEMBER, "я против первого")
    assert "был «за», теперь «против»" in changed, changed

    # the deadline passes: the close job the demo scheduled comes due and the engine's notifier runs it
    store(
        assistant.database_url,
        update(Proposal).where(Proposal.id == 1).values(closes_at=utcnow() - timedelta(minutes=1)),
    )
    assert bring_notifications_due(assistant.database_url, job_conversation("governance")) >= 1
    result = assistant.wait_for(MEMBER, "Итоги голосования по № 1")
    assert "принято" in result and "Новый отпечаток цепочки протоколов" in result, result

    buyer = f"e2e-buyer-{uuid.uuid4().hex[:8]}"  # any resident's next payment for an order
    asked = assistant.say(buyer, "закажи сантехника на завтра в 10")
    assert "По какому адресу" in asked, asked
    assert "Оформить заказ?" in assistant.say(buyer, "ул. Ленина, 15, кв. 3, Заречный район")
    assert "Готово! Заказ №" in assistant.say(buyer, "да")
    pay = assistant.say(buyer, "хочу оплатить заказ")
    assert "(7%)" in pay, pay
    assert "(7%)" in assistant.say(buyer, "да")

    services = assistant.replies(MEMBER, "запишите в налоговую")
    days = press(assistant, MEMBER, services, "ИНН")
    hours = press(assistant, MEMBER, days)
    confirm = press(assistant, MEMBER, hours)
    assert "Налоговая инспекция" in joined(confirm), joined(confirm)
    booked = assistant.say(MEMBER, "да")
    assert "Готово, вы записаны: Налоговая инспекция" in booked and "Получение ИНН" in booked, booked

    card = assistant.say(MEMBER, "оплатить штраф " + FINE)
    assert f"Постановление {FINE}" in card and "Со скидкой 50%" in card, card
    paid = assistant.say(MEMBER, "да")
    assert f"Штраф по постановлению {FINE} оплачен." in paid, paid
    fine_payments = select(func.count(Payment.id)).where(Payment.skill == "governance")
    assert store(assistant.database_url, fine_payments) == 1

    described = assistant.say(MEMBER, "яма на дороге на ленина 5")
    assert described, described
    photo = assistant.say(MEMBER, "глубокая яма у въезда во двор, машины объезжают её по встречке")
    assert photo, photo
    summary = assistant.say(MEMBER, "без фото")
    assert "Отправить в администрацию?" in summary, summary
    filed = assistant.say(MEMBER, "да")
    assert "зарегистрировано" in filed, filed
    number = store(assistant.database_url, select(func.max(Appeal.id)))
    assert f"Обращение № {number} зарегистрировано" in filed, filed
    status = assistant.say(MEMBER, "что с моей жалобой")
    assert "Ваши обращения:" in status and f"№ {number}" in status, status
