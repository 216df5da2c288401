"""Tables of the governance skill (declared in manifest.yml, created by migrations/): the cooperative's proposals,
members' votes and the chained minutes of closed votes; institutions' reception slots; fines; appeals to the city.

Membership of the cooperative and the parameters its decisions change (the commission) are the engine's
(`engine.sdk.is_member`, `engine.sdk.set_parameter`): other skills read them without importing this one.
"""

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)

from engine.sdk import Base, utcnow

# ---- votes ----

# Proposal statuses: review (published, voting not open yet) → open → closed; withdrawn by the proposer in review.
REVIEW, OPEN, CLOSED, WITHDRAWN = "review", "open", "closed", "withdrawn"
# Outcomes of a closed proposal
ADOPTED, REJECTED = "adopted", "rejected"
# Vote choices: the canonical values of the contract entity `vote_choice`
FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


class Proposal(Base):
    """A proposal to the cooperative's members: a rule in words, optionally a parameter change from a date.

    `kind` names the decision rules (quorum, threshold) in decisions.yml. The counts, `electorate` (members entitled
    to vote when it closed), `outcome` and its reason are written once, by the close that moves the status from open
    to closed. `effective_from` is the day the proposal names for its change (None: the day after the close).
    """

    __tablename__ = "gov_proposals"

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    text = Column(Text, nullable=False)
    kind = Column(String(32), nullable=False)
    parameter = Column(String(64), nullable=True)  # the engine parameter changed, if any
    parameter_value = Column(Numeric(12, 2), nullable=True)
    effective_from = Column(Date, nullable=True)
    proposer_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    status = Column(String(16), nullable=False, default=REVIEW)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    opens_at = Column(DateTime, nullable=False)
    closes_at = Column(DateTime, nullable=False)
    closed_at = Column(DateTime, nullable=True)
    outcome = Column(String(16), nullable=True)
    outcome_reason = Column(String(32), nullable=True)  # decisions.py: majority, no_quorum, tie, ...
    applied_from = Column(Date, nullable=True)  # the day an adopted parameter change applies from
    votes_for = Column(Integer, nullable=True)
    votes_against = Column(Integer, nullable=True)
    votes_abstain = Column(Integer, nullable=True)
    electorate = Column(Integer, nullable=True)


class Vote(Base):
    """A member's vote on a proposal: one row per member and proposal, changed in place until the deadline."""

    __tablename__ = "gov_votes"
    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id", name="uq_gov_votes_proposal_id_member_id"),
    )

    id = Column(Integer, primary_key=True)
    proposal_id = Column(Integer, ForeignKey("gov_proposals.id"), nullable=False)
    member_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    choice = Column(String(8), nullable=False)
    cast_at = Column(DateTime, nullable=False, default=utcnow)
    changed_at = Column(DateTime, nullable=True)
    changes = Column(Integer, nullable=False, default=0)


class Minute(Base):
    """The minutes of one closed vote, a link of a keyed hash chain (minutes.py): `body` is the canonical JSON of
    the decision, `digest` the HMAC of (sequence, previous digest, body) under a key kept outside the store."""

    __tablename__ = "gov_minutes"

    id = Column(Integer, primary_key=True)
    sequence = Column(Integer, nullable=False, unique=True)
    proposal_id = Column(Integer, ForeignKey("gov_proposals.id"), nullable=False, unique=True)
    body = Column(Text, nullable=False)
    previous_digest = Column(String(64), nullable=False)
    digest = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


# ---- appointments ----


class Institution(Base):
    """A city institution that receives residents: `code` is the canonical value of the entity `institution`;
    `hours` is its reception hours as residents read them (built from the schedule its slots were made from)."""

    __tablename__ = "gov_institutions"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    title = Column(String(128), nullable=False)
    address = Column(String(255), nullable=False)
    hours = Column(String(255), nullable=False, default="")
    visit_minutes = Column(Integer, nullable=False, default=20)  # one slot: one visit at one desk


class InstitutionService(Base):
    """A service an institution receives residents for (a passport issued), with how long a visit takes.
    `keywords` are extra words a resident may name it by (a colloquial word for a registration), any word form."""

    __tablename__ = "gov_services"
    __table_args__ = (UniqueConstraint("institution_id", "code", name="uq_gov_services_institution_id_code"),)

    id = Column(Integer, primary_key=True)
    institution_id = Column(Integer, ForeignKey("gov_institutions.id"), nullable=False)
    code = Column(String(64), nullable=False)
    title = Column(String(128), nullable=False)
    minutes = Column(Integer, nullable=False)
    keywords = Column(String(255), nullable=False, default="")


class Slot(Base):
    """One reception time at one desk of an institution. Booked only by `UPDATE ... WHERE resident_id IS NULL`, so
    never by two residents; cancelling frees it again. `service_id` is what the resident comes for."""

    __tablename__ = "gov_slots"
    __table_args__ = (
        UniqueConstraint(
            "institution_id", "desk", "starts_at", name="uq_gov_slots_institution_id_desk_starts_at"
        ),
        Index("ix_gov_slots_institution_id_starts_at", "institution_id", "starts_at"),
    )

    id = Column(Integer, primary_key=True)
    institution_id = Column(Integer, ForeignKey("gov_institutions.id"), nullable=False)
    desk = Column(Integer, nullable=False, default=1)
    starts_at = Column(DateTime, nullable=False)  # naive UTC, as every time in the store
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=True, index=True)
    service_id = Column(Integer, ForeignKey("gov_services.id"), nullable=True)
    booked_at = Column(DateTime, nullable=True)


# ---- fines ----


class Fine(Base):
    """A fine by its resolution number (UIN, `uin`): amount, the date it was issued and whether it is paid.

    `discount_until` is the last day the 50% discount applies (None when the offence has none)."""

    __tablename__ = "gov_fines"

    id = Column(Integer, primary_key=True)
    uin = Column(String(25), nullable=False, unique=True)
    offence = Column(String(255), nullable=False)
    issuer = Column(String(128), nullable=False)
    issued_on = Column(Date, nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    discount_until = Column(Date, nullable=True)
    payment_id = Column(Integer, ForeignKey("payments.id"), nullable=True)
    paid_amount = Column(Numeric(12, 2), nullable=True)
    paid_at = Column(DateTime, nullable=True)
    paid_by = Column(Integer, ForeignKey("residents.id"), nullable=True)


# ---- appeals ----

# Appeal statuses: registered → in_work → answered; then the resident may rate the answer.
REGISTERED, IN_WORK, ANSWERED = "registered", "in_work", "answered"


class Appeal(Base):
    """A resident's appeal to the city administration, with its lifecycle and the resident's rating of the answer.

    `request_key` is the author's id and the key of the confirmation that filed it: the same confirmation answered
    twice files once."""

    __tablename__ = "gov_appeals"
    __table_args__ = (UniqueConstraint("request_key", name="uq_gov_appeals_request_key"),)

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False)
    category = Column(String(32), nullable=False)
    address = Column(String(255), nullable=False)
    description = Column(Text, nullable=False)
    photo_url = Column(String(500), nullable=True)
    status = Column(String(16), nullable=False, default=REGISTERED)
    answer = Column(Text, nullable=True)
    rating = Column(Integer, nullable=True)
    request_key = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class AppealEvent(Base):
    """One step of an appeal's lifecycle, kept for its history (who moved it and when); the resident's rating of
    the answer is an event too (status `rated`, the rating as its note)."""

    __tablename__ = "gov_appeal_events"

    id = Column(Integer, primary_key=True)
    appeal_id = Column(Integer, ForeignKey("gov_appeals.id"), nullable=False)
    status = Column(String(16), nullable=False)
    note = Column(Text, nullable=True)
    actor = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)
