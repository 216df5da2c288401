"""A migrated store (the skill is enabled, so the store fixtures migrate its tables) and fixed moments for the
marketplace tests."""

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.sdk import resident_for, session_scope
from skills.marketplace import demo

MOSCOW = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW)  # a Friday morning
TODAY = NOW.date()
SKILL_ROOT = Path(__file__).resolve().parents[1]


def moscow(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=MOSCOW)


def load_demo() -> None:
    with session_scope() as session:
        # The demo's history is dated back from the tests' fixed NOW, so no demo visit can take their slots.
        assert demo.load_demo(session, now=NOW.astimezone(timezone.utc).replace(tzinfo=None)) is True


@pytest.fixture
def demo_store(store, store_templates):
    store_templates.prepared(store, "marketplace-demo", load_demo)
    return store


class Factory:
    """Builds members, offers and residents for tests that need an exact cast instead of the demo."""

    def __init__(self, session):
        self.session = session

    def resident(self, external_id: str) -> int:
        return resident_for(self.session, "rest", external_id)

    def provider(
        self,
        name,
        categories=("plumber",),
        rating="4.50",
        reviews=10,
        hours=(9, 20),
        districts=("Заречный",),
        status="approved",
        resident_id=None,
        price="1000",
        duration=120,
        warranty_days=30,
    ):
        from decimal import Decimal

        from skills.marketplace.models import MarketOffer, MarketProvider

        provider = MarketProvider(
            name=name,
            phone="+79990000000",
            status=status,
            categories=list(categories),
            districts=list(districts),
            work_start_hour=hours[0],
            work_end_hour=hours[1],
            rating=Decimal(rating),
            review_count=reviews,
            resident_id=resident_id,
        )
        self.session.add(provider)
        self.session.flush()
        for category in categories:
            self.session.add(
                MarketOffer(
                    provider_id=provider.id,
                    category=category,
                    title=f"{name}: {category}",
                    price=Decimal(price),
                    unit="выезд",
                    duration_minutes=duration,
                    warranty_days=warranty_days,
                    active=True,
                )
            )
        self.session.flush()
        return provider

    def offer_of(self, provider):
        from sqlalchemy import select

        from skills.marketplace.models import MarketOffer

        return (
            self.session.execute(select(MarketOffer).where(MarketOffer.provider_id == provider.id))
            .scalars()
            .first()
        )


@pytest.fixture
def session(store):
    """One unit of work for a test (committed at the end)."""
    with session_scope() as unit:
        yield unit


@pytest.fixture
def factory(session):
    return Factory(session)


@pytest.fixture
def counting(monkeypatch):
    """Payments and refunds through the counting provider (tests/fake_provider.py). Set before the store is
    prepared (`market` asks for it): preparing the store clears the cached settings, so the setting is read."""
    from skills.marketplace.tests.fake_provider import PATH, CountingProvider

    CountingProvider.reset()
    monkeypatch.setenv("ASSISTANT_PAYMENT_PROVIDER", PATH)
    yield CountingProvider
    CountingProvider.reset()


@pytest.fixture
def market(counting, store):
    """A committed cast for the tests that work in units of work of their own (races, money): Иван (a member who
    also uses the assistant, 1500 ₽) and Пётр (900 ₽), plumbers in Заречный; residents Анна and Борис."""
    from types import SimpleNamespace

    with session_scope() as session:
        factory = Factory(session)
        master = factory.resident("master")
        ivan = factory.provider("Иван", price="1500", resident_id=master, hours=(8, 20), warranty_days=30)
        petr = factory.provider("Пётр", rating="4.00", price="900", hours=(8, 20), warranty_days=30)
        return SimpleNamespace(
            master=master,
            ivan=ivan.id,
            ivan_offer=factory.offer_of(ivan).id,
            petr=petr.id,
            petr_offer=factory.offer_of(petr).id,
            anna=factory.resident("anna"),
            boris=factory.resident("boris"),
        )
