from skills.utilities.names import (
    area_unit,
    meter_label,
    payment_channel_name,
    request_status_name,
    service_name,
    zone_name,
)


def test_services_meters_and_zones_are_named_from_the_lexicon():
    assert service_name("major_repairs") == "взнос на капремонт"
    assert service_name("electricity", "night") == "электроэнергия (ночь)"
    assert meter_label("cold_water", place="кухня") == "ХВС (кухня)"
    assert meter_label("electricity", "day") == "электроэнергия (день)"
    assert meter_label("gas") == "газ"
    assert zone_name("day") == "день" and zone_name(None) is None
    assert area_unit() == "м²"


def test_other_names_and_unknown_codes():
    assert payment_channel_name("assistant") == "через помощника"
    assert request_status_name("in_progress") == "в работе"
    assert service_name("sewage") == "sewage" and payment_channel_name("crypto") == "crypto"
