"""The place resolver: addresses, streets, landmarks, stops, districts and home, in any form, with typos.

Most tests read against the skill's gazetteer and a small fixture network (network_fixture.yml), so they do not
change when the real network grows; the last ones check the real files the skill ships.
"""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.sdk import load_lexicon
from skills.transport import places
from skills.transport.geo import Point, distance_km
from skills.transport.places import (
    ADDRESS,
    AMBIGUOUS,
    DISTRICT,
    FOUND,
    GAZETTEER_PATH,
    HOME,
    LANDMARK,
    NETWORK_PATH,
    NO_SUCH_HOUSE,
    STOP,
    STREET,
    UNKNOWN,
    Gazetteer,
)

FIXTURE_NETWORK = Path(__file__).with_name("network_fixture.yml")


@pytest.fixture(scope="module")
def city() -> Gazetteer:
    return Gazetteer.load(GAZETTEER_PATH, FIXTURE_NETWORK)


def found(city: Gazetteer, text: str) -> str:
    reading = city.read(text)
    assert reading.status == FOUND, (text, reading)
    assert len(reading.places) == 1
    return reading.places[0].id


def ids(city: Gazetteer, text: str, status: str):
    reading = city.read(text)
    assert reading.status == status, (text, reading)
    return [place.id for place in reading.places]


@pytest.mark.parametrize("text", ["до вокзала", "от вокзала", "к вокзалу", "на вокзале", "ВОКЗАЛ", "вокзал."])
def test_any_case_form_of_a_landmark(city, text):
    assert found(city, text) == "landmark:railway_station"


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("от Ленина 5", "address:lenina:5"),
        ("с улицы Гагарина дом 12", "address:gagarina:12"),
        ("Гагарина, д. 12", "address:gagarina:12"),
        ("гагарина 12к2", "address:gagarina:12"),
        ("к Гагарину 12", "address:gagarina:12"),
        ("проспект Победы 10", "address:pobedy:10"),
        ("Ленина пять", "address:lenina:5"),
        ("ленина 12/1", "address:lenina:12"),
    ],
)
def test_addresses_in_any_form(city, text, place_id):
    assert found(city, text) == place_id


def test_a_house_lies_on_its_street_in_proportion_to_its_number(city):
    street = load_lexicon(GAZETTEER_PATH)["streets"]["lenina"]
    (first, last), (start, end) = street["houses"], street["ends"]
    assert city.by_id(f"address:lenina:{first}").point == Point(*start)
    assert city.by_id(f"address:lenina:{last}").point == Point(*end)
    middle = city.by_id("address:lenina:75").point
    share = (75 - first) / (last - first)
    assert middle.lat == pytest.approx(start[0] + (end[0] - start[0]) * share)
    assert middle.lon == pytest.approx(start[1] + (end[1] - start[1]) * share)
    reading = city.read("Ленина 75")
    assert reading.places[0].kind == ADDRESS and reading.places[0].point == middle
    assert reading.places[0].title == "ул. Ленина, 75"


def test_a_house_letter_is_kept_in_the_title_and_the_id(city):
    place = city.read("ленина 5а").places[0]
    assert (place.id, place.title) == ("address:lenina:5a", "ул. Ленина, 5а")
    assert city.by_id("address:lenina:5a") == place


@pytest.mark.parametrize(
    "text", ["я стою у остановки Театральная", "на театральной остановке", "ост. Театральная"]
)
def test_a_stop_named_with_the_stop_word(city, text):
    assert found(city, text) == "stop:teatralnaya"


def test_a_stop_of_the_network_is_a_place(city):
    place = city.read("от речного моста").places[0]
    assert (place.id, place.kind, place.title) == ("stop:most", STOP, "остановка «Речной мост»")
    assert place.point == Point(56.8790, 53.2075)


@pytest.mark.parametrize("text", ["Заречный район", "в заречном", "заречье", "микрорайон Заречный"])
def test_districts(city, text):
    assert found(city, text) == "district:zarechny"


@pytest.mark.parametrize(
    "text",
    ["поликлиника №3", "третья поликлиника", "поликлиника номер 3", "к третьей поликлинике", "поликлиника"],
)
def test_the_polyclinic_by_its_number_in_any_order(city, text):
    assert found(city, text) == "landmark:polyclinic_3"


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("ТЦ «Галерея»", "landmark:galereya_mall"),
        ("галерея", "landmark:galereya_mall"),
        ("торговый центр Галерея", "landmark:galereya_mall"),
        ("жд вокзал", "landmark:railway_station"),
        ("ж/д вокзал", "landmark:railway_station"),
        ("железнодорожный вокзал", "landmark:railway_station"),
        ("ржд", "landmark:railway_station"),
        ("автовокзал", "landmark:bus_station"),
        ("рынок", "landmark:central_market"),
        ("центральный рынок", "landmark:central_market"),
        ("в аэропорт", "landmark:airport"),
        ("горбольница", "landmark:city_hospital"),
        ("ГКБ 1", "landmark:city_hospital"),
        ("первая больница", "landmark:city_hospital"),
        ("МФЦ", "landmark:mfc"),
        ("стадион Зенит", "landmark:stadium_zenit"),
        ("парк Горького", "landmark:gorky_park"),
        ("парк имени Горького", "landmark:gorky_park"),
        ("школа 5", "landmark:school_5"),
        ("в 5 школу", "landmark:school_5"),
        ("дом культуры", "landmark:culture_house"),
        ("библиотека на Пушкина", "landmark:library"),
        ("мэрия", "landmark:city_administration"),
        ("драмтеатр", "landmark:drama_theatre"),
        ("центр", "district:tsentralny"),
    ],
)
def test_landmark_phrasings(city, text, place_id):
    assert found(city, text) == place_id


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("вакзал", "landmark:railway_station"),
        ("вокзало", "landmark:railway_station"),
        ("вoкзал", "landmark:railway_station"),  # a Latin «o»
        ("гагарено 12", "address:gagarina:12"),
        ("пушкино 10", "address:pushkina:10"),
        ("админстрация", "landmark:city_administration"),
    ],
)
def test_typos(city, text, place_id):
    assert found(city, text) == place_id


def test_a_typo_in_an_ambiguous_name_stays_ambiguous(city):
    assert ids(city, "театралной", AMBIGUOUS) == ids(city, "Театральная", AMBIGUOUS)


@pytest.mark.parametrize(
    "text",
    ["хрюндель", "асдф", "", "   ", "!!!", "сколько стоит", "хочу такси", "завтра в 10", "после обеда", "12"],
)
def test_nonsense_and_words_that_are_no_place_are_unknown(city, text):
    assert city.read(text).status == UNKNOWN and city.read(text).places == ()


def test_message_words_close_to_a_name_do_not_land_on_it(city):
    # «обеда» is one letter from «Победы», «генеральная» close to «Центральный», «парковка» to «Парковая»
    for text in ["генеральная уборка", "после обеда", "где парковка", "прорвало трубу", "почитать"]:
        assert city.read(text).status == UNKNOWN, text


def test_a_street_without_a_house_is_the_street_at_its_midpoint(city):
    street = load_lexicon(GAZETTEER_PATH)["streets"]["kirova"]
    place = city.read("до Кирова").places[0]
    assert (place.id, place.kind, place.title) == ("street:kirova", STREET, "ул. Кирова")
    (lat1, lon1), (lat2, lon2) = street["ends"]
    assert place.point.lat == pytest.approx((lat1 + lat2) / 2)
    assert place.point.lon == pytest.approx((lon1 + lon2) / 2)


@pytest.mark.parametrize(("text", "house"), [("Ленина 999", "999"), ("ленина, дом 0", "0")])
def test_a_house_the_street_lacks(city, text, house):
    reading = city.read(text)
    assert (reading.status, reading.house) == (NO_SUCH_HOUSE, house)
    assert [place.id for place in reading.places] == ["street:lenina"]
    assert city.by_id(f"address:lenina:{house}") is None


def test_teatralnaya_is_a_square_a_stop_and_a_street_unless_the_kind_is_said(city):
    assert ids(city, "Театральная", AMBIGUOUS) == [
        "landmark:theatre_square",
        "stop:teatralnaya",
        "street:teatralnaya",
    ]
    assert found(city, "улица Театральная") == "street:teatralnaya"
    assert found(city, "остановка Театральная") == "stop:teatralnaya"
    assert found(city, "Театральная площадь") == "landmark:theatre_square"
    assert found(city, "Театральная 7") == "address:teatralnaya:7"


def test_an_exact_alias_wins_over_a_category(city):
    assert found(city, "больница") == "landmark:city_hospital"
    assert found(city, "детская больница") == "landmark:children_hospital"
    assert found(city, "в детскую больницу") == "landmark:children_hospital"


def test_a_category_fits_every_place_of_it_and_no_number_they_lack(city):
    assert set(ids(city, "школа", AMBIGUOUS)) == {
        "landmark:school_5",
        "landmark:school_12",
        "landmark:school_27",
        "landmark:gymnasium_1",
    }
    assert city.read("школа 7").status == UNKNOWN
    assert city.read("поликлиника 5").status == UNKNOWN


def test_two_loose_matches_of_equal_score_are_ambiguous(city):
    assert set(ids(city, "лесина", AMBIGUOUS)) == {"street:lenina", "street:lesnaya"}
    assert set(ids(city, "лесина 5", AMBIGUOUS)) == {"address:lenina:5", "address:lesnaya:5"}


def test_a_house_number_makes_a_shared_name_the_street(city):
    assert ids(city, "Садовая", AMBIGUOUS) == ["stop:sadovaya", "street:sadovaya"]
    assert found(city, "Садовая 3") == "address:sadovaya:3"
    assert found(city, "Садовая 3, кв. 5") == "address:sadovaya:3"


def test_a_stop_named_after_a_landmark_beside_it_is_the_landmark_unless_the_stop_is_asked(city):
    assert found(city, "железнодорожный вокзал") == "landmark:railway_station"
    assert found(city, "центральный рынок") == "landmark:central_market"
    assert found(city, "остановка Железнодорожный вокзал") == "stop:vokzal"


def test_a_stop_named_after_a_street_or_district_is_that_place_unless_the_stop_is_asked(city):
    assert found(city, "Пушкина") == "street:pushkina"
    assert found(city, "остановка улица Пушкина") == "stop:ulitsa_pushkina"
    assert found(city, "Заречный") == "district:zarechny"
    assert found(city, "остановка Микрорайон Заречный") == "stop:zarechny"


def test_the_name_as_typed_wins_over_another_form_of_the_same_lemma(city):
    assert found(city, "остановка Заречная") == "stop:zarechnaya"
    assert found(city, "остановка Заречный") == "stop:zarechny"
    assert found(city, "Заречная") == "district:zarechny"  # a stop named after the district around it


@pytest.mark.parametrize(
    "text",
    [
        "до гостиницы Россия",
        "у ТЦ Мега",
        "к больнице номер 2",
        "кинотеатр Октябрь",
        "у станции метро Центральная",
        "детская поликлиника номер 4",
        "вызовите такси я у ТЦ Мега",
    ],
)
def test_a_place_we_do_not_know_is_not_taken_for_a_known_word_in_its_name(city, text):
    assert city.read(text).status == UNKNOWN


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("что идёт в сторону Северного района", "district:severny"),
        ("как доехать до поликлиники с пересадками", "landmark:polyclinic_3"),
        ("парковка у поликлиники платная?", "landmark:polyclinic_3"),
        ("к цирку", "landmark:circus"),
        ("в кино", "landmark:cinema_rossiya"),
    ],
)
def test_words_around_a_known_place_that_do_not_name_another(city, text, place_id):
    assert found(city, text) == place_id


@pytest.mark.parametrize("text", ["домой", "до дома", "ко мне домой", "ко мне", "дом", "отвези меня домой"])
def test_home_words(city, text):
    reading = city.read(text)
    assert (reading.status, reading.places) == (HOME, ())


def test_a_house_number_or_a_place_name_is_not_home(city):
    assert city.read("дом 5").status == UNKNOWN
    assert found(city, "дом культуры") == "landmark:culture_house"
    assert found(city, "от дома до вокзала") == "landmark:railway_station"


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("вызови такси от ленина 5 пожалуйста", "address:lenina:5"),
        ("сколько стоит такси до вокзала завтра в 10", "landmark:railway_station"),
        ("от ленина завтра в 10", "street:lenina"),
        ("на ленина в 10", "street:lenina"),
        ("на ленина к 10 утра", "street:lenina"),
        ("ленина 5 часов", "street:lenina"),
        ("ленина 5 в 10:30", "address:lenina:5"),
        ("на ленина 5 к 10 утра", "address:lenina:5"),
        ("ленина 123456", "street:lenina"),
    ],
)
def test_a_place_inside_a_whole_message_and_hours_are_no_houses(city, text, place_id):
    assert found(city, text) == place_id


def test_ids_rebuild_their_places(city):
    for place_id, place in city.places.items():
        assert place_id.isascii() and city.by_id(place_id) == place
    address = city.read("Гагарина 12").places[0]
    assert city.by_id("address:gagarina:12") == address
    for bad in [
        "address:nowhere:5",
        "address:lenina:5z",
        "address:lenina:",
        "landmark:nowhere",
        "",
        "lenina",
    ]:
        assert city.by_id(bad) is None, bad


def test_places_near_a_point_by_kind(city):
    station = Point(56.8330, 53.1720)
    nearest = city.near(station, [LANDMARK, STOP], 2)
    assert [place.id for place in nearest] == ["landmark:railway_station", "stop:vokzal"]
    districts = city.near(station, [DISTRICT], 10)
    assert {place.kind for place in districts} == {DISTRICT} and len(districts) == 5
    distances = [distance_km(station, place.point) for place in districts]
    assert distances == sorted(distances)
    assert city.near(station, [STOP], 0) == []


def test_a_non_ascii_id_is_refused(tmp_path):
    data = GAZETTEER_PATH.read_text(encoding="utf-8").replace("  lenina:", "  ленина:", 1)
    (tmp_path / "gazetteer.yml").write_text(data, encoding="utf-8")
    with pytest.raises(ValueError, match="ASCII"):
        Gazetteer.load(tmp_path / "gazetteer.yml", FIXTURE_NETWORK)


# --- the skill's real files ---------------------------------------------------------------------------------

MAP = {  # the city map every transport module agrees on
    "landmark:theatre_square": (56.8480, 53.2050),
    "landmark:railway_station": (56.8330, 53.1720),
    "landmark:bus_station": (56.8390, 53.1850),
    "landmark:central_market": (56.8560, 53.2180),
    "landmark:airport": (56.8280, 53.4570),
    "landmark:galereya_mall": (56.8600, 53.1950),
    "landmark:polyclinic_3": (56.8700, 53.2300),
    "landmark:city_hospital": (56.8750, 53.2550),
    "landmark:children_hospital": (56.8420, 53.2400),
    "landmark:stadium_zenit": (56.8650, 53.1800),
    "landmark:gorky_park": (56.8510, 53.1980),
    "landmark:mfc": (56.8470, 53.2120),
    "district:tsentralny": (56.8480, 53.2050),
    "district:zarechny": (56.8950, 53.2100),
    "district:yuzhny": (56.8200, 53.2150),
    "district:severny": (56.8850, 53.2600),
    "district:zapadny": (56.8500, 53.1500),
}


def test_the_gazetteer_agrees_with_the_city_map():
    for place_id, point in MAP.items():
        assert places.place_by_id(place_id).point == Point(*point), place_id


def test_every_stop_of_the_network_reads_back_with_the_stop_word():
    for stop in load_lexicon(NETWORK_PATH)["stops"]:
        reading = places.read_place(f"остановка {stop['name']}")
        assert [place.id for place in reading.places] == [f"stop:{stop['id']}"], stop["name"]


def test_every_landmark_and_district_reads_back_by_its_title():
    for place in places.city().places.values():
        if place.kind in (LANDMARK, DISTRICT):
            assert places.read_place(place.title).places == (place,), place.title


def test_the_module_api_answers_the_same_from_many_threads_at_once():
    places.city.cache_clear()
    texts = ["до вокзала", "Ленина 5", "Театральная", "домой", "хрюндель"] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        readings = list(pool.map(places.read_place, texts))
    assert readings == [places.read_place(text) for text in texts]
    assert places.place_by_id("address:lenina:5") == places.read_place("Ленина 5").places[0]
    assert places.street_houses("address:lenina:5") == places.street_houses("street:lenina") == (1, 150)
    assert places.street_houses("landmark:mfc") is None
    station = places.place_by_id("landmark:railway_station")
    assert places.places_near(station.point, [LANDMARK], 1) == [station]
