from datetime import date
from typing import ClassVar, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.core.profile import (
    ActionProfileLinkPhoneDone,
    ActionProfileShow,
    ValidateProfileLinkPhoneForm,
    channel_names,
    profile_answer,
)
from engine.otp import DevelopmentLogSender
from engine.residents import Profile
from engine.sdk import full_date, parse_phone, utcnow
from engine.testing import make_tracker, run_action, texts

FORM = "profile_link_phone_form"
SENDER = "webchat:web-1"


class CapturingSender:
    codes: ClassVar[List[str]] = []

    def send(self, phone: str, code: str) -> None:
        CapturingSender.codes.append(code)


@pytest.fixture
def sender(monkeypatch):
    CapturingSender.codes = []
    monkeypatch.setattr("actions.core.profile.code_sender", CapturingSender)
    return CapturingSender


def validate(slot: str, value: str, **slots):
    """Runs one slot validator of the form: (slots it returns, what the resident reads)."""
    validator = ValidateProfileLinkPhoneForm()
    method = getattr(validator, f"validate_{slot}")
    tracker = make_tracker(
        value, "inform", active_loop=FORM, slots=slots, sender_id=SENDER, channel="webchat"
    )
    dispatcher = CollectingDispatcher()
    result = method(value, dispatcher, tracker, {})
    return result, [texts([m]) for m in dispatcher.messages]


@pytest.mark.parametrize("text", ["+7 912 345-67-89", "8 (912) 345 67 89", "+79123456789", "89123456789"])
def test_phone_formats(text):
    assert parse_phone(text) == "+79123456789"


@pytest.mark.parametrize("text", ["12345", "мой телефон", "+7 912 345", "+1 202 555 0100"])
def test_not_phones(text):
    assert parse_phone(text) is None


def test_full_linking_flow(store, sender):
    result, said = validate("phone", "8 912 345 67 89")
    assert result == {"phone": "+79123456789"} and said == ["Отправил код на номер +7 912 ***-**-89."]
    result, said = validate(
        "otp_code", "000 000" if sender.codes[0] != "000000" else "111111", phone="+79123456789"
    )
    assert result == {"otp_code": None} and said == ["Код не подошёл. Осталось попыток: 2."]
    result, said = validate("otp_code", sender.codes[0], phone="+79123456789")
    assert result == {"otp_code": "linked"} and said == []
    tracker = make_tracker("", slots={"phone": "+79123456789", "otp_code": "linked"}, sender_id=SENDER)
    messages, events = run_action(ActionProfileLinkPhoneDone(), tracker)
    assert texts(messages) == (
        "Готово: телефон +7 912 ***-**-89 привязан. "
        "Теперь в любом канале, где вы привяжете этот же номер, будет один и тот же профиль."
    )
    assert {(e["name"], e["value"]) for e in events} == {("phone", None), ("otp_code", None)}


def test_a_typed_sentinel_links_nothing(store):
    """«linked» typed by a resident (or a slot set any other way) is not proof: the store decides."""
    tracker = make_tracker("linked", slots={"phone": "+79123456789", "otp_code": "linked"}, sender_id=SENDER)
    messages, events = run_action(ActionProfileLinkPhoneDone(), tracker)
    assert messages == []
    assert {(e["name"], e["value"]) for e in events} == {("phone", None), ("otp_code", None)}


@pytest.mark.parametrize(
    "refusal, said",
    [
        ("BUSY", "Сейчас отправляется слишком много кодов. Попробуйте через час или напишите «оператор»."),
        (
            "LOCKED",
            "Для этого номера было слишком много неверных кодов, привязать его можно будет через сутки.",
        ),
    ],
)
def test_phone_limits_are_explained(store, sender, monkeypatch, refusal, said):
    from engine.residents import CodeRequest

    monkeypatch.setattr(
        "actions.core.profile.residents.request_code", lambda *args: getattr(CodeRequest, refusal)
    )
    result, messages = validate("phone", "+7 912 345-67-89")
    assert result == {"phone": None} and messages[0].startswith(said)


def test_a_locked_phone_stops_the_code_too(store, sender, monkeypatch):
    from engine.residents import CodeCheck, CodeResult

    monkeypatch.setattr(
        "actions.core.profile.residents.confirm_code", lambda *args: CodeResult(CodeCheck.LOCKED)
    )
    result, messages = validate("otp_code", "123456", phone="+79123456789")
    assert result == {"otp_code": None, "phone": None}
    assert messages[0].startswith("Для этого номера было слишком много неверных кодов")


def test_a_profile_that_cannot_be_merged_is_explained_with_an_operator_button(store, sender, monkeypatch):
    from engine.residents import CodeCheck, CodeResult

    monkeypatch.setattr(
        "actions.core.profile.residents.confirm_code",
        lambda *args: CodeResult(CodeCheck.CONFLICT, phone="+79123456789"),
    )
    result, messages = validate("otp_code", "123456", phone="+79123456789")
    assert result == {"otp_code": None, "phone": None}
    assert messages[0].startswith("Номер +7 912 ***-**-89 уже привязан к другому профилю")


def test_linking_done_without_a_linked_code_says_nothing_and_clears_the_slots():
    tracker = make_tracker("", slots={"phone": "+79123456789", "otp_code": None})
    messages, events = run_action(ActionProfileLinkPhoneDone(), tracker)
    assert messages == []
    assert {(e["name"], e["value"]) for e in events} == {("phone", None), ("otp_code", None)}


def test_bad_phone_is_asked_again(store, sender):
    result, said = validate("phone", "двенадцать")
    assert result == {"phone": None}
    assert said == ["Не похоже на российский номер телефона. Напишите его так: +7 912 345-67-89."]
    assert sender.codes == []


def test_too_many_codes_are_refused(store, sender, monkeypatch):
    from engine.residents import CodeRequest

    monkeypatch.setattr("actions.core.profile.residents.request_code", lambda *args: CodeRequest.TOO_MANY)
    result, said = validate("phone", "+7 912 345-67-89")
    assert result == {"phone": None}
    assert said == ["Слишком много кодов за последний час. Попробуйте позже или напишите «отмена»."]


def test_letters_are_not_a_code(store, sender):
    result, said = validate("otp_code", "абв", phone="+79123456789")
    assert result == {"otp_code": None} and said == ["В коде только цифры. Напишите 6 цифр из сообщения."]


def test_code_without_a_request_restarts_from_the_phone(store, sender):
    result, said = validate("otp_code", "123456", phone="+79123456789")
    assert result == {"otp_code": None, "phone": None}
    assert said == ["Этот код больше не действует. Давайте отправлю новый: напишите номер телефона ещё раз."]


def test_development_sender_keeps_codes_out_of_the_log(caplog, tmp_path):
    outbox = tmp_path / "codes.txt"
    DevelopmentLogSender(outbox).send("+79123456789", "123456")
    assert "DEVELOPMENT CODE SENDER" in caplog.text and str(outbox) in caplog.text
    assert "123456" not in caplog.text and "+79123456789" not in caplog.text
    assert outbox.read_text(encoding="utf-8") == "+7 912 ***-**-89 123456\n"
    assert outbox.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_development_sender_is_refused_outside_development_mode(monkeypatch):
    from engine.otp import code_sender
    from engine.settings import DevelopmentModeRequired, settings

    monkeypatch.setenv("ASSISTANT_DEV_MODE", "0")
    settings.cache_clear()
    with pytest.raises(DevelopmentModeRequired, match="code_sender"):
        code_sender()


def test_profile_of_a_new_resident(store):
    messages, events = run_action(
        ActionProfileShow(), make_tracker("мой профиль", "profile_show", channel="telegram")
    )
    assert [m["response"] for m in messages] == ["utter_profile_without_phone"]
    assert texts(messages) == (
        "Ваш профиль:\n• телефон: не привязан (напишите «привяжи телефон»)\n• каналы связи: Telegram\n"
        f"• с нами с {full_date(utcnow())}"  # the store keeps UTC
    )
    assert events == []


def test_profile_with_a_phone_names_every_channel_once():
    profile = Profile(
        resident_id=1,
        phone="+79123456789",
        member_since=date(2026, 3, 5),
        channels=[("webchat", False), ("rest", True), ("telegram", True), ("kiosk", False)],
    )
    response, values = profile_answer(profile)
    assert response == "utter_profile"
    assert values == {
        "masked_phone": "+7 912 ***-**-89",
        "channels": "Telegram, kiosk, веб-чат",
        "member_since": "05.03.2026",
    }
    assert texts([{"response": response, **values}]) == (
        "Ваш профиль:\n• телефон: +7 912 ***-**-89\n• каналы связи: Telegram, kiosk, веб-чат\n• с нами с 05.03.2026"
    )


def test_channel_names_come_from_the_core_lexicon():
    assert channel_names() == {
        "telegram": "Telegram",
        "webchat": "веб-чат",
        "rest": "веб-чат",
        "alice": "Алиса",
        "cmdline": "терминал",
    }
