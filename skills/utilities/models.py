"""Tables of the utilities skill (declared in manifest.yml, created by migrations/)."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)

from engine.sdk import Base, utcnow


class UtilitiesAccount(Base):
    """A personal account of a flat (its number is on the bill). Only the resident it is linked to may see or use it."""

    __tablename__ = "utilities_accounts"

    id = Column(Integer, primary_key=True)
    number = Column(String(12), nullable=False, unique=True)
    address = Column(String(255), nullable=False)
    management_company = Column(String(128), nullable=False)
    area_m2 = Column(Numeric(8, 2), nullable=False)
    holder_phone = Column(String(16), nullable=False)  # links to the resident who confirmed this phone
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, index=True)
    linked_at = Column(DateTime, nullable=True)
    failed_checks = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class UtilitiesMeter(Base):
    """One register of a meter: a two-zone electricity meter has a 'day' and a 'night' row with one serial."""

    __tablename__ = "utilities_meters"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("utilities_accounts.id"), nullable=False, index=True)
    resource = Column(String(16), nullable=False)  # cold_water, hot_water, electricity, gas, heating
    zone = Column(String(8), nullable=True)  # day, night or none
    place = Column(
        String(32), nullable=True
    )  # in the resident's words; tells apart two meters of one resource
    serial_number = Column(String(32), nullable=False)
    digits = Column(Integer, nullable=False)  # digits before the decimal point the counter can show
    last_reading = Column(Numeric(12, 3), nullable=False)  # the latest accepted (verified) reading
    last_reading_on = Column(Date, nullable=False)


class UtilitiesReading(Base):
    __tablename__ = "utilities_readings"

    id = Column(Integer, primary_key=True)
    meter_id = Column(Integer, ForeignKey("utilities_meters.id"), nullable=False, index=True)
    value = Column(Numeric(12, 3), nullable=False)
    taken_on = Column(Date, nullable=False)
    channel = Column(String(32), nullable=False)  # bot channel, or "import" for the demo history
    created_at = Column(DateTime, nullable=False, default=utcnow)


class UtilitiesTariff(Base):
    """A price per unit from a date on; older rows are kept as history."""

    __tablename__ = "utilities_tariffs"
    __table_args__ = (UniqueConstraint("service", "zone", "effective_from"),)

    id = Column(Integer, primary_key=True)
    service = Column(String(32), nullable=False)  # a meter resource, wastewater, maintenance, major_repairs
    zone = Column(String(8), nullable=True)
    unit = Column(String(16), nullable=False)
    price = Column(Numeric(12, 4), nullable=False)
    effective_from = Column(Date, nullable=False)


class UtilitiesCharge(Base):
    """One line of a monthly bill: consumption × tariff, or a fixed item (per m²)."""

    __tablename__ = "utilities_charges"
    __table_args__ = (UniqueConstraint("account_id", "period", "service", "zone"),)

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("utilities_accounts.id"), nullable=False, index=True)
    period = Column(Date, nullable=False)  # first day of the month billed
    service = Column(String(32), nullable=False)
    zone = Column(String(8), nullable=True)
    quantity = Column(Numeric(12, 3), nullable=False)  # consumption, or m² for fixed items
    unit = Column(String(16), nullable=False)
    tariff = Column(Numeric(12, 4), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)


class UtilitiesPayment(Base):
    """Money credited to an account: through the assistant (linked to the engine's payment) or elsewhere."""

    __tablename__ = "utilities_payments"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("utilities_accounts.id"), nullable=False, index=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=True, unique=True)
    amount = Column(Numeric(12, 2), nullable=False)
    paid_at = Column(DateTime, nullable=False, default=utcnow)
    channel = Column(String(32), nullable=False)  # assistant, bank, cash
    receipt_number = Column(String(64), nullable=True)


class UtilitiesReminder(Base):
    __tablename__ = "utilities_reminders"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # pay, readings
    remind_at = Column(DateTime, nullable=False)  # naive UTC
    recurring = Column(Boolean, nullable=False, default=False)
    status = Column(String(16), nullable=False, default="active")  # active, done, cancelled
    created_at = Column(DateTime, nullable=False, default=utcnow)


class UtilitiesRequest(Base):
    """A request to the management company: emergency or regular."""

    __tablename__ = "utilities_requests"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    account_id = Column(Integer, ForeignKey("utilities_accounts.id"), nullable=True)
    category = Column(String(16), nullable=False)  # emergency, regular
    description = Column(Text, nullable=False)
    address = Column(String(255), nullable=False)
    status = Column(String(16), nullable=False, default="new")  # new, in_progress, done
    created_at = Column(DateTime, nullable=False, default=utcnow)
