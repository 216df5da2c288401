"""Fines: the UIN read and checked (lengths, letters, the check digit of both passes), the amount due on the
discount's boundary days, and a fine paid once — for the same «да» twice, for two residents at once, after a
declined payment — on SQLite and PostgreSQL."""

import threading
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.sdk import SUCCEEDED, Payment, resident_for, session_scope
from engine.testing import at_once, meeting_after
from skills.governance import fines
from skills.governance.models import Fine

MOSCOW = ZoneInfo("Europe/Moscow")
ISSUED = date(2026, 11, 1)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=MOSCOW)
SPEEDING = "18810177261106000016"  # the first pass gives the check digit 6
PARKING = "0355431010126110000000138"  # 25 digits, the first pass gives 10, the second 8
SECOND_PASS = "18810177261104000069"  # first pass 10, second pass 9
BOTH_TEN = "18810177261104000400"  # both passes give 10: the check digit is 0


@pytest.mark.parametrize(
    "typed, uin, problem, digits",
    [
        (SPEEDING, SPEEDING, None, 0),
        (PARKING, PARKING, None, 0),
        (SECOND_PASS, SECOND_PASS, None, 0),
        (BOTH_TEN, BOTH_TEN, None, 0),
        ("1881 0177 2611 0600 0016", SPEEDING, None, 0),
        ("18810-177261106-000016", SPEEDING, None, 0),
        ("18810\u2013177261106\u2013000016", SPEEDING, None, 0),
        (f"УИН {SPEEDING}.", SPEEDING, None, 0),
        (f"оплатить штраф №{SPEEDING}, пожалуйста", SPEEDING, None, 0),
        ("1881017726110600001", None, fines.LENGTH, 19),
        ("188101772611060000160", None, fines.LENGTH, 21),
        ("03554310101261100000001380", None, fines.LENGTH, 26),
        ("1" * 10_000, None, fines.LENGTH, 10_000),
        ("18810А77261106000016", None, fines.NOT_DIGITS, 0),
        ("18810177261106000O16", None, fines.NOT_DIGITS, 0),
        ("\u0661\u0668\u0668\u0661\u0660177261106000016", None, fines.NOT_DIGITS, 0),
        ("<script>alert(1)</script>", None, fines.EMPTY, 0),
        ("в 10", None, fines.EMPTY, 0),
        ("Ленина 5", None, fines.EMPTY, 0),
        ("12345", None, fines.LENGTH, 5),
        ("18810177261106000017", None, fines.CHECK_DIGIT, 0),
        ("18810177261106000061", None, fines.CHECK_DIGIT, 0),  # two digits swapped
        ("0355431010126110000000139", None, fines.CHECK_DIGIT, 0),
        ("", None, fines.EMPTY, 0),
        ("   ", None, fines.EMPTY, 0),
        ("не помню номер \U0001f697", None, fines.EMPTY, 0),
    ],
)
def test_a_typed_uin_is_read_or_told_what_is_wrong(typed, uin, problem, digits):
    assert fines.read_uin(typed) == fines.UinReading(uin, problem, digits)


def test_the_check_digit_by_the_rules_of_gis_gmp():
    assert fines.uin_check_digit("1" + "0" * 18) == 1  # weight 1
    assert fines.uin_check_digit("0" * 10 + "1" + "0" * 8) == 1  # the weights repeat: 1 at the 11th place
    # the 10th place weighs 10 on the first pass (remainder 10), then 2 on the second (3..10, 1, 2, ...);
    # the reading "3..12" would weigh it 12 and give 1
    assert fines.uin_check_digit("0" * 9 + "1" + "0" * 9) == 2
    # a body the two readings tell apart: 3..10, 1, 2 gives 6; 3..12 would give 9
    assert fines.uin_check_digit("0759838675650889957") == 6
    assert fines.with_check_digit("1881017726110400006") == SECOND_PASS
    assert fines.with_check_digit("1881017726110400040") == BOTH_TEN
    assert fines.with_check_digit(PARKING[:-1]) == PARKING


def test_every_single_digit_typo_of_a_uin_is_caught_on_the_first_pass():
    body = SPEEDING[:-1]
    caught = 0
    for place in range(len(body)):
        for digit in "0123456789":
            if digit == body[place]:
                continue
            typo = body[:place] + digit + body[place + 1 :] + SPEEDING[-1]
            caught += fines.read_uin(typo).problem == fines.CHECK_DIGIT
    assert caught >= 0.9 * len(body) * 9


def test_a_uin_is_found_in_a_request_only_when_it_is_long_enough():
    assert fines.uin_in_text(f"хочу оплатить штраф {SPEEDING}") == SPEEDING
    assert (
        fines.uin_in_text("штраф 1881 0177 2611 0600 001") == "1881017726110600001"
    )  # told later: wrong length
    assert fines.uin_in_text("оплатить штраф от 5 ноября на 500 рублей") is None
    assert fines.uin_in_text("") is None


DISCOUNT_UNTIL = date(2026, 11, 21)


def fine(amount="1000", discount_until=DISCOUNT_UNTIL, paid_at=None) -> Fine:
    return Fine(
        uin=SPEEDING,
        offence="x",
        issuer="y",
        issued_on=ISSUED,
        amount=Decimal(amount),
        discount_until=discount_until,
        paid_at=paid_at,
    )


def test_the_discount_on_its_boundary_days():
    assert fines.discount_until_for(ISSUED) == date(2026, 11, 21)
    assert fines.amount_due(fine(), date(2026, 11, 1)) == Decimal("500.00")
    assert fines.amount_due(fine(), date(2026, 11, 21)) == Decimal("500.00")  # the last day of the discount
    assert fines.amount_due(fine(), date(2026, 11, 22)) == Decimal("1000.00")
    assert fines.amount_due(fine(discount_until=None), date(2026, 11, 1)) == Decimal("1000.00")
    assert fines.amount_due(fine("333.33"), date(2026, 11, 2)) == Decimal("166.67")
    assert fines.amount_due(fine(paid_at=datetime(2026, 11, 3)), date(2026, 11, 4)) == Decimal(0)
    assert fines.pay_until(fine()) == date(2027, 1, 10)


@pytest.fixture
def fine_store(store):
    """One fine with the discount (1000 ₽, 500 ₽ until 21 November 2026) and one without."""
    with session_scope() as session:
        session.add(fine())
        session.add(
            Fine(
                uin=PARKING,
                offence="x",
                issuer="y",
                issued_on=ISSUED,
                amount=Decimal("5000"),
                discount_until=None,
            )
        )
    return store


def resident(name: str) -> int:
    with session_scope() as session:
        return resident_for(session, "rest", name)


def pay(who: int, key: str, expected="500.00", uin=SPEEDING, now=NOW) -> Tuple[str, Decimal, Optional[int]]:
    """(code, amount, payment id) of paying `uin` in a unit of work of its own."""
    with session_scope() as session:
        outcome = fines.pay_fine(session, who, uin, Decimal(expected), key, now)
        return outcome.code, outcome.amount, outcome.payment.id if outcome.payment else None


def payments():
    with session_scope() as session:
        return [(p.amount, p.status) for p in session.execute(select(Payment).order_by(Payment.id)).scalars()]


def stored(uin=SPEEDING) -> Fine:
    with session_scope() as session:
        return fines.fine_by_uin(session, uin)


def test_paid_with_the_discount_once_for_the_same_confirmation(fine_store):
    anna = resident("anna")
    first = pay(anna, "k1")
    assert first[:2] == (fines.PAID, Decimal("500.00"))
    assert pay(anna, "k1") == first  # the same «да» again: the same payment
    assert payments() == [(Decimal("500.00"), SUCCEEDED)]
    paid = stored()
    assert (paid.paid_amount, paid.paid_by, paid.payment_id) == (Decimal("500.00"), anna, first[2])
    assert pay(resident("boris"), "k2")[0] == fines.ALREADY_PAID
    assert pay(anna, "k3")[0] == fines.ALREADY_PAID  # a new confirmation of a paid fine
    assert len(payments()) == 1


def test_nothing_is_charged_when_the_amount_due_changed_or_the_fine_is_unknown(fine_store):
    late = datetime(2026, 11, 22, 0, 5, tzinfo=MOSCOW)  # the discount ended at midnight
    assert pay(resident("anna"), "k1", now=late) == (fines.AMOUNT_CHANGED, Decimal("1000.00"), None)
    assert pay(resident("anna"), "k1", uin=BOTH_TEN)[0] == fines.NOT_FOUND
    assert payments() == [] and stored().paid_at is None
    assert pay(resident("anna"), "k2", expected="1000.00", now=late)[0] == fines.PAID
    assert pay(resident("anna"), "k3", expected="5000.00", uin=PARKING, now=late)[0] == fines.PAID


def test_two_residents_paying_the_same_fine_at_once_pay_once(fine_store, monkeypatch):
    payers = [resident("anna"), resident("boris"), resident("vera")]
    monkeypatch.setattr(fines, "fine_by_uin", meeting_after(fines.fine_by_uin, len(payers)))
    outcomes = at_once(lambda who: pay(who, f"key-{who}")[0], payers)
    assert sorted(outcomes) == [fines.ALREADY_PAID, fines.ALREADY_PAID, fines.PAID]
    assert payments() == [(Decimal("500.00"), SUCCEEDED)]
    assert stored().paid_by == payers[outcomes.index(fines.PAID)]


def test_the_same_confirmation_sent_twice_at_once_pays_once(fine_store, monkeypatch):
    anna = resident("anna")
    monkeypatch.setattr(fines, "fine_by_uin", meeting_after(fines.fine_by_uin, 2))
    outcomes = at_once(lambda _: pay(anna, "same"), [1, 2])
    assert outcomes[0][0] == fines.PAID and outcomes[0] == outcomes[1]
    assert len(payments()) == 1


def test_a_confirmation_that_read_the_fine_before_its_twin_paid_answers_with_that_payment(
    fine_store, monkeypatch
):
    """The same «да» twice: the first reads the fine, the second pays meanwhile; the first then finds the payment
    by its key and must judge it by the fine as it is now, not as it read it (it said «declined»). Where a lock
    keeps the second from paying meanwhile (SQLite), the wait ends after two seconds and they go in turn."""
    anna = resident("anna")
    real_read, twin_paid, readers = fines.fine_by_uin, threading.Event(), []

    def first_reads_then_waits(session, uin):
        fine = real_read(session, uin)
        readers.append(threading.current_thread())
        if readers[0] is threading.current_thread():
            twin_paid.wait(timeout=2)
        return fine

    def confirm(n: int):
        if n == 1:
            while not readers:
                time.sleep(0.01)
        outcome = pay(anna, "same")
        if n == 1:
            twin_paid.set()
        return outcome

    monkeypatch.setattr(fines, "fine_by_uin", first_reads_then_waits)
    outcomes = at_once(confirm, [0, 1])
    assert outcomes[0][0] == fines.PAID and outcomes[0] == outcomes[1]
    assert len(payments()) == 1


class Declining:
    name = "sandbox"

    def charge(self, *, idempotency_key, amount, currency, description, payer_reference):
        return type(
            "Result", (), {"status": "declined", "provider_reference": "x", "receipt_number": "TEST-1"}
        )


def test_a_declined_payment_leaves_the_fine_unpaid_for_a_new_confirmation(fine_store, monkeypatch):
    real_pay = fines.pay
    monkeypatch.setattr(fines, "pay", lambda session, **kw: real_pay(session, provider=Declining(), **kw))
    anna = resident("anna")
    assert pay(anna, "k1")[0] == fines.DECLINED
    assert stored().paid_at is None and stored().paid_by is None
    monkeypatch.setattr(fines, "pay", real_pay)
    assert pay(anna, "k1")[0] == fines.DECLINED  # a declined key stays declined
    assert pay(anna, "k2")[0] == fines.PAID
    assert [status for _, status in payments()] == ["declined", SUCCEEDED]


def test_demo_fines_have_valid_numbers_and_a_paid_one(store):
    from skills.governance.demo import DEMO

    today = date(2026, 11, 20)
    with session_scope() as session:
        fines.seed_demo(session, DEMO["fines"], today)
        rows = list(session.execute(select(Fine)).scalars())
        assert all(fines.read_uin(row.uin).uin == row.uin for row in rows)
        assert {len(row.uin) for row in rows} == {20, 25}
        paid = [row for row in rows if fines.is_paid(row)]
        assert len(paid) == 1 and paid[0].paid_amount == Decimal("1000.00")
        dues = [fines.amount_due(row, today) for row in rows if not fines.is_paid(row)]
        discounted = [row for row in rows if row.discount_until and fines.discount_applies(row, today)]
        assert len(discounted) == 2 and any(
            row.discount_until and not fines.discount_applies(row, today) for row in rows
        )
        assert all(due > 0 for due in dues)
