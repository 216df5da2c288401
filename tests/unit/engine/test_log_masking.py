"""Phones, account numbers and one-time codes masked in log text and log records; what must stay, stays."""

import logging
import sys
import time

import pytest

from engine.log_masking import SecretMaskingFilter, mask_record, mask_secrets, masked_phone
from engine.otp import mask_phone

PHONES = [
    "+7 999 123-45-67",
    "+7 (999) 123-45-67",
    "+7(999)123-45-67",
    "+7 999 123 45 67",
    "+7-999-123-45-67",
    "+7 999 1234567",
    "+79991234567",
    "79991234567",
    "89991234567",
    "8 (999) 123 45 67",
    "8 (999) 123-45-67",
    "8(999)1234567",
    "8-999-123-45-67",
    "8 999 123 45 67",
    "(999) 123-45-67",
]


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_in_any_common_writing_keeps_only_its_last_two_digits(phone):
    masked = mask_secrets(f"Received user message 'мой номер {phone}, перезвоните'")
    assert masked == "Received user message 'мой номер +7 *** ***-**-67, перезвоните'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phone=+79991234567&x=1", "phone=+7 *** ***-**-67&x=1"),
        ("{'phone': '89991234567'}", "{'phone': '+7 *** ***-**-67'}"),
        ('"phone": "+7 999 123-45-67"', '"phone": "+7 *** ***-**-67"'),
        ("tel:+79991234567.", "tel:+7 *** ***-**-67."),
        # Shown to residents with the area code (engine.otp.mask_phone); in logs without it.
        ("Отправил код на номер +7 912 ***-**-89.", "Отправил код на номер +7 *** ***-**-89."),
        # Another country's number is a long digit run.
        ("+380501234567", "+**********67"),
    ],
)
def test_phones_inside_other_text(text, expected):
    assert mask_secrets(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("лицевой счёт 1002003004", "лицевой счёт ********04"),
        (
            "SlotSet(key: utilities_account_number, value: 2003004005)",
            "SlotSet(key: utilities_account_number, value: ********05)",
        ),
        ("счёт 1002 003 004", "счёт **** *** *04"),
        ("account 123456", "account ******"),  # the shortest account: nothing of it kept
        ("account 1234567", "account *******"),
        ("conversation telegram:123456789", "conversation telegram:*******89"),
    ],
)
def test_account_numbers_and_other_long_digit_runs(text, expected):
    assert mask_secrets(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("код 1234", "код ****"),
        ("Код: 12345", "Код: *****"),
        ("мой код из смс 4321", "мой код из смс ****"),
        ("коду 5555 не верю", "коду **** не верю"),
        ("your code is 9876", "your code is ****"),
        ("OTP 1234", "OTP ****"),
        ("otp_code: 1234", "otp_code: ****"),
        ("SlotSet(key: otp_code, value: 4567)", "SlotSet(key: otp_code, value: ****)"),
        ("'otp_code': '4567'", "'otp_code': '****'"),
        # A bare 6-digit code (what engine.residents sends) is a long digit run.
        ("Received user message '123456'", "Received user message '******'"),
        ("Received user message '12 34 56'", "Received user message '** ** **'"),
        # Rasa's structured logs are JSON off a terminal: Cyrillic is escaped there.
        ('{"text": "\\u043a\\u043e\\u0434 1234"}', '{"text": "\\u043a\\u043e\\u0434 ****"}'),
        ('{"text": "\\u041a\\u043e\\u0434 1234"}', '{"text": "\\u041a\\u043e\\u0434 ****"}'),
    ],
)
def test_one_time_codes_after_a_code_word(text, expected):
    assert mask_secrets(text) == expected


def test_in_a_code_senders_record_every_short_number_is_a_code():
    assert (
        mask_secrets("sent 4321 to the gateway, 2 tries", code_context=True)
        == "sent **** to the gateway, 2 tries"
    )
    assert mask_secrets("sent 4321 to the gateway", code_context=False) == "sent 4321 to the gateway"


@pytest.mark.parametrize(
    "text",
    [
        "дата 05.12.2026",
        "2026-12-05 14:30:00",
        "2026-12-05T14:30:00+03:00",
        "к оплате 1234.50 ₽",
        "к оплате 1234,50 ₽",
        "итого 1 500 000,00 руб",
        "в 14:30",
        "заказ № 12",
        "заявка №1234 от 05.12.2026",
        "code 1234.50",  # an amount, even after a code word
        "code 12:30",
        "status code 500 in 1234 ms",  # only the first number after the word is looked at
        "Starting Rasa server on http://127.0.0.1:5005",
        "pid 12345, 3 workers, year 2026",
        "models/assistant-a3f1234567b0.tar.gz",
        "models/20260105-143000-brave-model.tar.gz",
        "id123456 and 123456id",
        "0.123456789 seconds",
        "timestamp 1733412345.123456",
        "decoded 4321 bytes",  # a code word only at a word's start
        "+7 *** ***-**-67",
        "",
        "без цифр вообще",
    ],
)
def test_what_must_not_be_masked(text):
    assert mask_secrets(text) == text


@pytest.mark.parametrize(
    "text", [*PHONES, "счёт 1002003004", "код 1234", "Received '123456'", "+380501234567"]
)
def test_masking_twice_changes_nothing(text):
    once = mask_secrets(text, code_context=True)
    assert mask_secrets(once, code_context=True) == once


def test_one_phone_helper_for_residents_and_for_logs():
    assert mask_phone("+79123456789") == "+7 912 ***-**-89"  # what a resident is shown (unchanged)
    assert mask_phone("8 (912) 345-67-89") == "+7 912 ***-**-89"
    assert mask_phone("+380501234567") == "+38***"
    assert masked_phone("+79123456789") == "+7 *** ***-**-89"
    assert masked_phone("12345") is None


ADVERSARIAL = {
    "digits": "8" * 100_000,
    "spaced digits": "1 " * 50_000,
    "spaced digits then an amount": "1 " * 49_999 + "1.5",
    "dashed digits": "1-" * 50_000,
    "dotted digits": "1." * 50_000,
    "code words": "code " * 20_000,
    "code words and short numbers": "код 12 " * 14_000,
    "escaped code words": "\\u043a\\u043e\\u0434 " * 5_000,
    "phone prefixes": "+7 (999) " * 11_000,
    "phones": "89991234567 " * 8_000,
    "parentheses": "(999" * 25_000,
    "resident masked phones": "+7 912 ***-**-" * 7_000,
    "mixed": ("+7 999 123-45-67 код 1234 05.12.2026 1234.50 счёт 1002003004 " * 2_000)[:100_000],
}


def best_times(*texts):
    """The best of three runs of each text, interleaved: the machine may be busy with other tests."""
    timings = [[] for _ in texts]
    for _ in range(3):
        for text, runs in zip(texts, timings, strict=True):
            started = time.perf_counter()
            mask_secrets(text, code_context=True)
            runs.append(time.perf_counter() - started)
    return [min(runs) for runs in timings]


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_linear_time_on_100k_characters(name):
    text = ADVERSARIAL[name]
    assert len(text) >= 70_000
    whole, quarter = best_times(text, text[: len(text) // 4])
    # Quadratic backtracking on 100k characters takes minutes, and four times the text takes sixteen times as long;
    # linear passes take a fraction of a second, and four times as long (12: room for a busy machine).
    assert whole < 5.0, (name, whole)
    assert whole < 12 * quarter + 0.1, (name, whole, quarter)


def record(msg, *args, name="rasa.core.processor", **extra):
    made = logging.LogRecord(name, logging.DEBUG, __file__, 1, msg, args or None, None)
    made.__dict__.update(extra)
    return made


def test_the_filter_rewrites_the_final_message_and_keeps_the_record():
    item = record("Received user message '%s' from %s", "+7 999 123-45-67", "telegram:42")
    assert SecretMaskingFilter().filter(item) is True
    assert item.msg == "Received user message '+7 *** ***-**-67' from telegram:42" and item.args is None
    assert item.getMessage() == item.msg


def test_mapping_arguments_and_messages_that_are_not_strings():
    item = record("%(phone)s", {"phone": "89991234567"})
    mask_record(item)
    assert item.getMessage() == "+7 *** ***-**-67"
    other = record({"account": "1002003004"})
    mask_record(other)
    assert other.getMessage() == "{'account': '********04'}"


def test_a_message_whose_arguments_do_not_fit_is_masked_too():
    item = record("phone %s %s", "89991234567")
    mask_record(item)
    assert "89991234567" not in item.getMessage() and "+7 *** ***-**-67" in item.getMessage()


def test_tracebacks_stacks_and_extras_are_masked():
    try:
        raise ValueError("no account 1002003004 for +79991234567")
    except ValueError:
        item = logging.LogRecord("engine.x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    item.stack_info = "Stack (most recent call last):\n  code 4321"
    item.request = "GET /webhook?phone=89991234567"
    item.status = 200
    mask_record(item)
    text = logging.Formatter().format(item)
    assert "1002003004" not in text and "9991234567" not in text and "4321" not in text
    assert "ValueError: no account ********04 for +7 *** ***-**-67" in text
    assert item.request == "GET /webhook?phone=+7 *** ***-**-67" and item.status == 200


def test_a_code_senders_logger_and_its_children_mask_every_short_number():
    for name in ("engine.otp", "engine.otp.gateway"):
        item = record("sent %s to the gateway in %s ms", "4321", "5", name=name)
        mask_record(item)
        assert item.msg == "sent **** to the gateway in 5 ms"
    item = record("sent %s", "4321", name="engine.otpx")
    mask_record(item)
    assert item.msg == "sent 4321"


def test_each_record_is_masked_once_whatever_the_handlers():
    item = record("phone %s", "89991234567")
    mask_record(item)
    item.msg = "89991234567"  # not what happens; shows the second pass did nothing
    mask_record(item)
    assert item.msg == "89991234567"
