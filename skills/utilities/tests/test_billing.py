from datetime import date
from decimal import Decimal

from skills.utilities.billing import explain_changes, percent_change
from skills.utilities.models import UtilitiesCharge

OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)


def charge(period, service, quantity, tariff, unit="м³"):
    quantity, tariff = Decimal(quantity), Decimal(tariff)
    return UtilitiesCharge(
        period=period,
        service=service,
        zone=None,
        quantity=quantity,
        unit=unit,
        tariff=tariff,
        amount=(quantity * tariff).quantize(Decimal("0.01")),
    )


def test_only_notable_changes_are_explained_with_their_reasons():
    before = [
        charge(OCTOBER, "cold_water", "5", "50"),
        charge(OCTOBER, "gas", "10", "9"),
        charge(OCTOBER, "maintenance", "54.3", "32.50", "м²"),
    ]
    now = [
        charge(NOVEMBER, "cold_water", "8", "60"),
        charge(NOVEMBER, "gas", "10.2", "9"),
        charge(NOVEMBER, "maintenance", "60", "35.80", "м²"),
        charge(NOVEMBER, "heating", "1", "3000", "Гкал"),
    ]
    water, maintenance, heating = explain_changes(now, before)  # gas moved by 2%: not worth explaining
    assert (water.charge.service, water.difference, water.is_new) == ("cold_water", Decimal("230.00"), False)
    assert water.tariff_before == Decimal("50") and water.quantity_before == Decimal("5")
    assert maintenance.tariff_before == Decimal("32.50")
    assert maintenance.quantity_before is None  # charged per m²: the area is not a consumption
    assert heating.is_new and heating.difference == Decimal("3000.00")


def test_percent_change():
    assert percent_change(Decimal("50"), Decimal("60")) == Decimal("20")
