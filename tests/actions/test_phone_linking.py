import pytest

from actions.core.profile import ActionProfileLinkPhoneDone, ValidateProfileLinkPhoneForm, parse_phone
from engine.otp import DevelopmentLogSender
from engine.testing import make_tracker, run_action

FORM = "profile_link_phone_form"


class CapturingSender:
    codes = []

    def send(self, phone: str, code: str) -> None:
        CapturingSender.codes.append(code)


@pytest.fixture
def sender(monkeypatch):
    CapturingSender.codes = []
    monkeypatch.setattr("actions.core.profile.code_sender", lambda: CapturingSender())
    return CapturingSender


def validate(slot: str, value: str, **slots):
    validator = ValidateProfileLinkPhoneForm()
    method = getattr(validator, f"validate_{slot}")
    tracker = make_tracker(value, "inform", active_loop=FORM, slots=slots, sender_id="web-1", channel="socketio")
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    result = method(value, dispatcher, tracker, {})
    return result, [m.get("text") for m in dispatcher.messages]


@pytest.mark.parametrize("text", ["+7 912 345-67-89", "8 (912) 345 67 89", "+79123456789", "89123456789"])
def test_phone_formats(text):
    assert parse_phone(text) == "+79123456789"


@pytest.mark.parametrize("text", ["12345", "мой телефон", "+7 912 345", "+1 202 555 0100"])
def test_not_phones(text):
    assert parse_phone(text) is None


def test_full_linking_flow(store, sender):
    result, said = validate("phone", "8 912 345 67 89")
    assert result == {"phone": "+79123456789"} and "+7 912 ***-**-89" in said[0]
    result, said = validate("otp_code", "000 000" if sender.codes[0] != "000000" else "111111", phone="+79123456789")
    assert result == {"otp_code": None} and said == ["Код не подошёл. Осталось попыток: 2."]
    result, _ = validate("otp_code", sender.codes[0], phone="+79123456789")
    assert result == {"otp_code": "linked"}
    tracker = make_tracker("", slots={"phone": "+79123456789", "otp_code": "linked"})
    messages, events = run_action(ActionProfileLinkPhoneDone(), tracker)
    assert messages[0]["text"].startswith("Готово: телефон +7 912 ***-**-89 привязан")
    assert {(e["name"], e["value"]) for e in events} == {("phone", None), ("otp_code", None)}


def test_bad_phone_is_asked_again(store, sender):
    result, said = validate("phone", "двенадцать")
    assert result == {"phone": None} and "Не похоже на российский номер" in said[0]
    assert sender.codes == []


def test_letters_are_not_a_code(store, sender):
    result, said = validate("otp_code", "абв", phone="+79123456789")
    assert result == {"otp_code": None} and "только цифры" in said[0]


def test_code_without_a_request_restarts_from_the_phone(store, sender):
    result, said = validate("otp_code", "123456", phone="+79123456789")
    assert result == {"otp_code": None, "phone": None} and "больше не действует" in said[0]


def test_development_sender_logs_clearly(caplog):
    DevelopmentLogSender().send("+79123456789", "123456")
    assert "DEVELOPMENT CODE SENDER" in caplog.text and "123456" in caplog.text
