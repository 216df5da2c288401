"""Tables of the transport skill (declared in manifest.yml, created by migrations/): the cooperative's drivers and
their rides, the city's parking zones, residents' parking sessions and what each payment of a session bought."""

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, Numeric, String

from engine.sdk import Base, utcnow

# Driver states
FREE, BUSY, OFF = "free", "busy", "off"

# Ride statuses: searching (no driver yet) or scheduled (a later pickup) → assigned → arriving (the driver accepted)
# → waiting (at the pickup) → in_trip → done; cancelled from any status before in_trip.
SEARCHING, SCHEDULED, ASSIGNED, ARRIVING, WAITING, IN_TRIP, DONE, CANCELLED = (
    "searching",
    "scheduled",
    "assigned",
    "arriving",
    "waiting",
    "in_trip",
    "done",
    "cancelled",
)
OPEN_STATUSES = (SEARCHING, SCHEDULED, ASSIGNED, ARRIVING, WAITING, IN_TRIP)
UNASSIGNED = (SEARCHING, SCHEDULED)

# Parking session statuses
ACTIVE, STOPPED, ENDED = "active", "stopped", "ended"


class Driver(Base):
    """A cooperative member who drives: writes to the bot from their own channel identity (resident_id).

    `ride_id` is the ride they are on (no foreign key: rides refer to drivers, and SQLite cannot add the circular
    constraint later). A driver is claimed only by `UPDATE ... WHERE state = 'free'`, so never for two rides.
    """

    __tablename__ = "transport_drivers"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, unique=True)
    name = Column(String(64), nullable=False)
    car = Column(String(64), nullable=False)  # model and colour
    plate = Column(String(16), nullable=False)
    lat = Column(Float, nullable=False)  # the current position
    lon = Column(Float, nullable=False)
    state = Column(String(8), nullable=False, default=FREE)
    ride_id = Column(Integer, nullable=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow)  # when the position or state last changed


class Ride(Base):
    """A resident's ride: ordered for now or later, dispatched to a driver, driven, or cancelled.

    `arrive_by` is the arrival promised when the driver was assigned (the late rule of cancellation counts from
    it); `fare` is fixed when ordering; `cancel_fee` and `fee_payment_id` are set when a cancellation was charged.
    """

    __tablename__ = "transport_rides"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    driver_id = Column(Integer, ForeignKey("transport_drivers.id"), nullable=True, index=True)
    from_title = Column(String(255), nullable=False)
    from_lat = Column(Float, nullable=False)
    from_lon = Column(Float, nullable=False)
    to_title = Column(String(255), nullable=False)
    to_lat = Column(Float, nullable=False)
    to_lon = Column(Float, nullable=False)
    pickup_at = Column(DateTime, nullable=False)
    km = Column(Float, nullable=False)
    fare = Column(Numeric(10, 2), nullable=False)
    status = Column(String(16), nullable=False, index=True)
    assigned_at = Column(DateTime, nullable=True)
    arrive_by = Column(DateTime, nullable=True)
    accepted_at = Column(DateTime, nullable=True)
    arrived_at = Column(DateTime, nullable=True)
    started_at = Column(DateTime, nullable=True)
    finished_at = Column(DateTime, nullable=True)
    cancelled_at = Column(DateTime, nullable=True)
    cancel_fee = Column(Numeric(10, 2), nullable=True)
    fee_payment_id = Column(Integer, ForeignKey("payments.id"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ParkingZone(Base):
    """A paid parking zone; `occupied` counts cars parked without the bot (a sensor count)."""

    __tablename__ = "transport_parking_zones"

    id = Column(Integer, primary_key=True)
    code = Column(String(8), nullable=False, unique=True)  # P1, P2…
    title = Column(String(128), nullable=False)
    lat = Column(Float, nullable=False)
    lon = Column(Float, nullable=False)
    capacity = Column(Integer, nullable=False)
    occupied = Column(Integer, nullable=False, default=0)
    price_per_hour = Column(Numeric(10, 2), nullable=False)
    max_hours = Column(Integer, nullable=False)


class ParkingSession(Base):
    """A resident's paid parking in a zone from starts_at until ends_at (moved by extensions, cut by a stop)."""

    __tablename__ = "transport_parking_sessions"

    id = Column(Integer, primary_key=True)
    zone_id = Column(Integer, ForeignKey("transport_parking_zones.id"), nullable=False, index=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    plate = Column(String(16), nullable=True)
    starts_at = Column(DateTime, nullable=False)
    ends_at = Column(DateTime, nullable=False)
    stopped_at = Column(DateTime, nullable=True)
    status = Column(String(8), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ParkingCharge(Base):
    """One payment of a session (the start, each extension): the minutes it bought and what was refunded of it."""

    __tablename__ = "transport_parking_charges"

    id = Column(Integer, primary_key=True)
    session_id = Column(
        Integer,
        # named: the conventional name would pass PostgreSQL's 63 characters
        ForeignKey("transport_parking_sessions.id", name="fk_transport_parking_charges_session_id"),
        nullable=False,
        index=True,
    )
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=False, unique=True)
    minutes = Column(Integer, nullable=False)
    amount = Column(Numeric(10, 2), nullable=False)
    refunded = Column(Numeric(10, 2), nullable=False, default=0)
