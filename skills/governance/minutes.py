"""The minutes of closed votes: an append-only chain keyed with a secret kept outside the store.

Each minute's body is the canonical JSON of the decision and names its own `sequence` and the `previous_head` (the
digest of the minute before it, or GENESIS), and `digest = HMAC-SHA256(key, sequence | previous digest | body)`.
Unlike a plain hash chain (skills/marketplace/contract_log.py), a record forged or edited by someone who can write
to the store but has no key cannot be given a valid digest, and renumbering the records after a deletion does not
help either: the sequence is inside the digest. Deleting the newest records leaves a shorter, valid chain; that is
caught against a head published earlier (every result notice to members carries the new head) and against closed
proposals that lost their minute.

The key is the environment variable GOV_MINUTES_KEY, else the file GOV_MINUTES_KEY_FILE (by default
var/governance-minutes.key under the project root), created with 32 random bytes and mode 0600 on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .models import CLOSED, Minute, Proposal

GENESIS = "0" * 64
KEY_ENV = "GOV_MINUTES_KEY"
KEY_FILE_ENV = "GOV_MINUTES_KEY_FILE"
# The project root is the folder holding skills/ (as engine.settings.PROJECT_ROOT is the one holding engine/).
DEFAULT_KEY_FILE = Path(__file__).resolve().parents[2] / "var" / "governance-minutes.key"
APPEND_LOCK = 0x676F766D  # "govm": the advisory lock serialising appends on PostgreSQL

# What verify_chain found wrong.
CHANGED = "changed"  # a record's body, digest or place fields were edited (or the key is not the one used)
REMOVED = "removed"  # records are missing before this one
INSERTED = "inserted"  # a record that the chain does not hold was put in
REORDERED = "reordered"  # genuine records stand in another order than they were written
TRUNCATED = "truncated"  # a published head is not in the chain: the newest records were deleted
PROBLEMS = (CHANGED, REMOVED, INSERTED, REORDERED, TRUNCATED)


@dataclass(frozen=True)
class ChainReport:
    """`ok` when nothing is wrong; else `problem` (one of PROBLEMS) at the minute numbered `sequence`."""

    ok: bool
    records: int
    head: str  # the digest of the last record (GENESIS when there is none)
    problem: Optional[str] = None
    sequence: Optional[int] = None


def minutes_key() -> bytes:
    """The secret the digests are keyed with."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode()
    return _key_file(Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE))


def _key_file(path: Path) -> bytes:
    """The key in `path`, created (owner read/write only) on first use; two processes creating it at once read
    the one that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32))
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} holds no key")
    return key.encode("ascii")


def canonical(body: Dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def digest_of(key: bytes, sequence: int, previous: str, body: str) -> str:
    return hmac.new(key, f"{sequence}|{previous}|{body}".encode(), hashlib.sha256).hexdigest()


def head(session: Session) -> str:
    """The digest of the newest minute (GENESIS before the first)."""
    last = session.execute(
        select(Minute.digest).order_by(Minute.sequence.desc()).limit(1)
    ).scalar_one_or_none()
    return last or GENESIS


def minute_of(session: Session, proposal_id: int) -> Optional[Minute]:
    return session.execute(select(Minute).where(Minute.proposal_id == proposal_id)).scalar_one_or_none()


def decision_body(proposal: Proposal) -> Dict[str, Any]:
    """What the minute records of a closed proposal."""
    return {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "text": proposal.text,
        "kind": proposal.kind,
        "parameter": proposal.parameter,
        "parameter_value": None if proposal.parameter_value is None else str(proposal.parameter_value),
        "effective_from": proposal.effective_from.isoformat() if proposal.effective_from else None,
        "proposer_id": proposal.proposer_id,
        "opens_at": _moment(proposal.opens_at),
        "closes_at": _moment(proposal.closes_at),
        "closed_at": _moment(proposal.closed_at),
        "votes": {
            "for": proposal.votes_for,
            "against": proposal.votes_against,
            "abstain": proposal.votes_abstain,
        },
        "electorate": proposal.electorate,
        "outcome": proposal.outcome,
        "reason": proposal.outcome_reason,
        "applied_from": proposal.applied_from.isoformat() if proposal.applied_from else None,
    }


def _moment(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat(timespec="seconds") if value else None


def append(session: Session, proposal: Proposal, now: datetime) -> Minute:
    """Writes the closed proposal's minute at the end of the chain. Appends are serialised: an advisory lock on
    PostgreSQL, the database's write lock on SQLite (the caller has written already); the unique sequence is the
    last line of defence."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK})
    session.flush()
    last = session.execute(select(Minute).order_by(Minute.sequence.desc()).limit(1)).scalar_one_or_none()
    sequence = (last.sequence + 1) if last else 1
    previous = last.digest if last else GENESIS
    body = canonical({**decision_body(proposal), "sequence": sequence, "previous_head": previous})
    minute = Minute(
        sequence=sequence,
        proposal_id=proposal.id,
        body=body,
        previous_digest=previous,
        digest=digest_of(minutes_key(), sequence, previous, body),
        created_at=now,
    )
    session.add(minute)
    session.flush()
    return minute


def _body(minute: Minute) -> Optional[Dict[str, Any]]:
    try:
        value = json.loads(minute.body)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _genuine(key: bytes, minute: Minute) -> bool:
    """Whether the record is one the key holder wrote: its digest matches the body and the place the body names."""
    body = _body(minute)
    if (
        body is None
        or not isinstance(body.get("sequence"), int)
        or not isinstance(body.get("previous_head"), str)
    ):
        return False
    expected = digest_of(key, body["sequence"], body["previous_head"], minute.body)
    return hmac.compare_digest(expected, str(minute.digest))


def verify_chain(
    session: Session, published_heads: Sequence[str] = (), key: Optional[bytes] = None
) -> ChainReport:
    """Checks every minute, in the order of their sequence numbers, and each head published earlier."""
    key = minutes_key() if key is None else key
    rows: List[Minute] = list(session.execute(select(Minute).order_by(Minute.sequence)).scalars())
    genuine = [_genuine(key, row) for row in rows]
    bodies = [_body(row) or {} for row in rows]
    claimed = {body.get("sequence") for body, ok in zip(bodies, genuine, strict=True) if ok}
    last = rows[-1].digest if rows else GENESIS

    def bad(problem: str, sequence: Optional[int]) -> ChainReport:
        return ChainReport(False, len(rows), last, problem, sequence)

    expected, previous = 1, GENESIS
    for index, row in enumerate(rows):
        body = bodies[index]
        if not genuine[index]:
            follower = index + 1 < len(rows) and genuine[index + 1]
            # the chain goes on around this record: it was put in, not edited
            skipped = follower and bodies[index + 1].get("previous_head") == previous
            return bad(INSERTED if skipped else CHANGED, row.sequence)
        sequence, linked = body["sequence"], body["previous_head"]
        if sequence > expected:
            return bad(REORDERED if expected in claimed else REMOVED, expected)
        if sequence < expected or linked != previous:
            return bad(REORDERED, row.sequence)
        if (
            row.sequence != sequence
            or row.previous_digest != linked
            or row.proposal_id != body.get("proposal_id")
        ):
            return bad(CHANGED, row.sequence)
        expected, previous = expected + 1, row.digest
    known = {row.digest for row in rows}
    if any(published.strip().lower() not in known for published in published_heads if published.strip()):
        return bad(TRUNCATED, len(rows) + 1)
    with_minutes = {row.proposal_id for row in rows}
    closed = session.execute(select(Proposal.id).where(Proposal.status == CLOSED)).scalars()
    if any(proposal_id not in with_minutes for proposal_id in closed):
        return bad(REMOVED, len(rows) + 1)
    return ChainReport(True, len(rows), last)
