import pytest

from skills.utilities.problems import EMERGENCY, REGULAR, category_of, is_description, is_status_question


@pytest.mark.parametrize(
    "text, category",
    [
        ("течёт батарея на кухне", EMERGENCY),
        ("пахнет газом в подъезде", EMERGENCY),
        ("нет горячей воды с утра", EMERGENCY),
        ("застрял в лифте", EMERGENCY),
        ("в подъезде не горит свет", REGULAR),
        ("не убирают мусор во дворе", REGULAR),
        # listed in the manifest's problems
        ("соседи сверху топят уже час", EMERGENCY),
        ("в доме не топят", EMERGENCY),
        ("лифт не работает и застрял между этажами", EMERGENCY),
        ("не работает домофон", REGULAR),
    ],
)
def test_emergencies_by_keywords(text, category):
    assert category_of(text) == category


def test_status_questions_and_descriptions():
    assert is_status_question("статус заявки 12")
    assert is_status_question("что с моей заявкой")
    assert not is_status_question("течёт батарея")
    assert not is_description("хочу оставить заявку в ук")
    assert is_description("сломался домофон в подъезде")
