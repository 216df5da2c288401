from sqlalchemy import func, select

from engine.sdk import session_scope
from skills.utilities import demo
from skills.utilities.models import UtilitiesAccount, UtilitiesCharge, UtilitiesMeter, UtilitiesTariff


def test_demo_is_loaded_only_once(demo_store):
    with session_scope() as session:
        assert demo.load_demo(session) is False
        assert session.execute(select(func.count(UtilitiesAccount.id))).scalar_one() == 3


def test_the_demo_flats_come_from_demo_yml(demo_store):
    with session_scope() as session:
        accounts = {a.number: a for a in session.execute(select(UtilitiesAccount)).scalars()}
        assert accounts["1002003004"].address == "ул. Ленина, 15, кв. 42"
        assert accounts["2003004005"].management_company == "ООО «ЖилСервис»"
        assert accounts["3004005006"].holder_phone.endswith("2233")
        places = session.execute(
            select(UtilitiesMeter.place).where(
                UtilitiesMeter.account_id == accounts["1002003004"].id,
                UtilitiesMeter.resource == "cold_water",
            )
        ).scalars()
        assert sorted(places) == ["ванная", "кухня"]
        units = dict(session.execute(select(UtilitiesTariff.service, UtilitiesTariff.unit)).all())
        assert units["electricity"] == "кВт·ч" and units["heating"] == "Гкал" and units["maintenance"] == "м²"
        fixed = session.execute(
            select(UtilitiesCharge.quantity).where(
                UtilitiesCharge.account_id == accounts["1002003004"].id,
                UtilitiesCharge.service == "maintenance",
            )
        ).scalars()
        assert set(fixed) == {accounts["1002003004"].area_m2}  # per m² of the flat, every month


def test_the_demo_accounts_are_read_from_the_data_file():
    numbers = [account.number for account in demo.demo_accounts()]
    assert numbers == ["1002003004", "2003004005", "3004005006"]
    assert [m.resource for m in demo.demo_accounts()[2].meters][-1] == "heating"
