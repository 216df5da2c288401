from engine.testing import make_tracker, run_action, texts
from skills.utilities.actions.problems import ActionUtilitiesReportProblem


def report(text, sender="resident-1", entities=None):
    tracker = make_tracker(text, "utilities_report_problem", sender_id=sender, entities=entities)
    return texts(run_action(ActionUtilitiesReportProblem(), tracker)[0])


def test_problem_reports_are_categorised_and_numbered(linked):
    assert report("течёт батарея на кухне") == (
        "Аварийная заявка № 1 передана диспетчеру управляющей компании, адрес: ул. Ленина, 15, кв. 42. "
        "Аварийная служба приезжает в течение 2 часов. Если опасно для жизни — звоните 112; запах газа — 104."
    )
    assert report("в подъезде не горит свет") == (
        "Заявка № 2 принята, адрес: ул. Ленина, 15, кв. 42. Обычные заявки выполняют в течение 1–3 рабочих дней. "
        "Статус можно узнать: «статус заявки 2»."
    )
    status = report("статус заявки 1")
    assert status.startswith("Заявка № 1 от ") and status.endswith(
        " (течёт батарея на кухне): принята, ждёт мастера."
    )
    assert (
        report("статус заявки 1", sender="x")
        == "Не нашёл у вас такой заявки. Заявки видны только тому, кто их подал."
    )


def test_a_request_needs_a_description_and_an_address(demo_store):
    assert report("хочу оставить заявку").startswith("Опишите одним сообщением, что случилось и где")
    assert report("течёт батарея на кухне").startswith("По какому адресу? Напишите улицу, дом и квартиру")
    located = report("течёт батарея на кухне", entities=[{"entity": "location", "value": "ул. Мира 5"}])
    assert located.startswith("Аварийная заявка № 1 передана диспетчеру") and "адрес: ул. Мира 5." in located


def test_the_description_told_before_the_address_is_kept(demo_store):
    tracker = make_tracker("течёт батарея на кухне", "utilities_report_problem")
    messages, _ = run_action(ActionUtilitiesReportProblem(), tracker)
    offered = messages[0]["offer"]
    assert offered["intent"] == "utilities_report_problem" and offered["accepts"] == ["location"]
    # The address alone, as the accepted offer replays it: the description comes from the offer.
    entities = [{"entity": "location", "value": "ул. Мира 5"}] + [
        {"entity": k, "value": v} for k, v in offered["entities"].items()
    ]
    located = report("ул. Мира 5", entities=entities)
    assert located.startswith("Аварийная заявка № 1 передана диспетчеру") and "адрес: ул. Мира 5." in located
    status = report("статус заявки 1")
    assert "(течёт батарея на кухне)" in status
