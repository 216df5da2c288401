"""Residents' appeals to the city administration: the category read from the problem told, the address, the
description and an optional photo link; filing with a number; the lifecycle registered → in_work → answered moved
by staff (admin.py) with a history of events; the resident's rating (1–5) of the answer.

Every move is a conditional UPDATE from the status it was read in, so two staff members taking the same appeal at
once move it once; a rating is written only while there is none, by the author, once the appeal is answered.
Filing is keyed by the resident and the confirmation shown (`request_key`, unique): the same «yes» twice files one
appeal, and another resident's key files an appeal of one's own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.sdk import (
    clock,
    fold_spelling,
    notify_resident,
    read_yes_no,
    register_reader,
    resident_for,
    skill_lexicon,
    words_of,
)

from .models import ANSWERED, IN_WORK, REGISTERED, Appeal, AppealEvent

SKILL = "governance"
NOTICE_INTENT = "EXTERNAL_gov_appeal_notice"
NOTICE_APPEAL, NOTICE_STATUS = "gov_appeal_notice_id", "gov_appeal_notice_status"
LEXICON = skill_lexicon(__file__, "appeals.yml")
CATEGORIES: Tuple[str, ...] = tuple(LEXICON["categories"])
OTHER = "other"
STATUSES = (REGISTERED, IN_WORK, ANSWERED)
# The moves staff may make, from each status.
MOVES: Dict[str, Tuple[str, ...]] = {REGISTERED: (IN_WORK, ANSWERED), IN_WORK: (ANSWERED,), ANSWERED: ()}
RATED = "rated"  # the event of a rating (not a status)
MIN_DESCRIPTION, MAX_DESCRIPTION = 10, 2000
MAX_ADDRESS, MAX_URL, MAX_ANSWER = 255, 500, 4000
RATINGS = range(1, 6)
RESIDENT, STAFF = "resident", "staff"

# Problems of what was typed
TOO_SHORT, TOO_LONG, MARKUP, NOT_URL = "too_short", "too_long", "markup", "not_url"
# Outcomes of move_appeal and rate_appeal
MOVED, NOT_FOUND, NOT_ALLOWED = "moved", "not_found", "not_allowed"
NOT_ANSWERED, ALREADY_RATED, BAD_RATING = "not_answered", "already_rated", "bad_rating"

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::\d{1,5})?$")
_NUMBER = re.compile(LEXICON["number_pattern"], re.IGNORECASE)
_DIGITS = re.compile(r"(?<![\d.,])\d{1,2}(?![\d.,])")


def _lemma_sets(phrases: List[str]) -> List[frozenset]:
    return [frozenset(words_of(fold_spelling(str(p).lower()))) for p in phrases]


_CATEGORY_WORDS = {code: _lemma_sets(phrases) for code, phrases in LEXICON["categories"].items()}
_PRIORITY = [code for code in LEXICON["priority"] if code in _CATEGORY_WORDS]
_NO_PHOTO = _lemma_sets(LEXICON["no_photo_words"])
_RATING_WORDS = {
    lemma: int(rating)
    for rating, words in LEXICON["rating_words"].items()
    for word in words
    for lemma in words_of(str(word))
}
_RATING_CUES = frozenset(lemma for word in LEXICON["rating_cues"] for lemma in words_of(str(word)))


@dataclass(frozen=True)
class Move:
    """code: MOVED, NOT_FOUND, NOT_ALLOWED (the appeal's status does not allow it: `appeal.status` says which)."""

    code: str
    appeal: Optional[Appeal] = None


def _lemmas(text: str) -> frozenset:
    return frozenset(words_of(fold_spelling((text or "").lower())))


def category_of(text: str) -> Optional[str]:
    """The category the problem told belongs to ("the street lamp at the entrance is out" is lighting), or None: the one with
    the most matched words, the most specific (`priority`) on a tie."""
    said = _lemmas(text)
    scores = {
        code: sum(len(words) for words in _CATEGORY_WORDS[code] if words and words <= said)
        for code in _PRIORITY
    }
    best = max(scores.values(), default=0)
    return next((code for code in _PRIORITY if scores[code] == best), None) if best else None


def plain_text(text: str) -> str:
    """The text with control characters dropped and spaces tidied (line breaks kept)."""
    kept = "".join(ch for ch in str(text or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(" ".join(line.split()) for line in kept.splitlines()).strip()


def read_description(text: str) -> Tuple[Optional[str], Optional[str]]:
    """(the description, None) or (None, TOO_SHORT / TOO_LONG / MARKUP)."""
    tidy = plain_text(text)
    if len(tidy) > MAX_DESCRIPTION:
        return None, TOO_LONG
    if _TAG.search(tidy):
        return None, MARKUP
    if len(tidy) < MIN_DESCRIPTION or sum(any(ch.isalpha() for ch in w) for w in tidy.split()) < 2:
        return None, TOO_SHORT
    return tidy, None


def skips_photo(text: str) -> bool:
    """A no, "without a photo", "skip" (appeals.yml): the resident has no photo to add."""
    said = _lemmas(text)
    return read_yes_no(text) is False or any(words and words <= said for words in _NO_PHOTO)


def read_photo_url(text: str) -> Tuple[Optional[str], Optional[str]]:
    """(the link, None) for one http(s) link to a host, at most MAX_URL characters; else (None, TOO_LONG or
    NOT_URL). Nothing else is taken: not a file path, not javascript:, not markup."""
    link = (text or "").strip().strip("<>\"'\u00ab\u00bb")
    if len(link) > MAX_URL:
        return None, TOO_LONG
    if not link or any(ch.isspace() or ch in "<>\"'`\\" for ch in link):
        return None, NOT_URL
    try:
        parts = urlsplit(link)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return None, NOT_URL
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or not port_ok
        or parts.username is not None
        or "." not in host
        or not _HOST.match(parts.netloc)
    ):
        return None, NOT_URL
    return link, None


def read_rating(text: str) -> Optional[int]:
    """A rating 1–5 typed alone or in words ("5", "a five", "I give four"); None when there is none or two."""
    said = words_of(fold_spelling((text or "").lower()))
    found = {_RATING_WORDS[w] for w in said if w in _RATING_WORDS}
    found |= {int(n) for n in _DIGITS.findall(text or "")}
    if len(found) != 1:
        return None
    rating = found.pop()
    return rating if rating in RATINGS else None


register_reader("gov_appeal_rating", read_rating)


def rating_in_text(text: str) -> Optional[int]:
    """A rating told in a sentence about rating ("I rate the answer 4"), not any number of a message."""
    return read_rating(_NUMBER.sub(" ", text or "")) if _lemmas(text) & _RATING_CUES else None


def number_in_text(text: str) -> Optional[int]:
    """An appeal's number told with its word ("appeal 12", "complaint No 7")."""
    found = {int(n) for n in _NUMBER.findall(text or "")}
    return found.pop() if len(found) == 1 else None


def _event(
    session: Session, appeal: Appeal, status: str, actor: str, at: datetime, note: Optional[str]
) -> None:
    session.add(AppealEvent(appeal_id=appeal.id, status=status, note=note, actor=actor, at=at))


def file_appeal(
    session: Session,
    resident_id: int,
    *,
    category: str,
    address: str,
    description: str,
    photo_url: Optional[str],
    key: str,
    now: datetime,
) -> Appeal:
    """Registers the appeal, once per `key` (the confirmation's): the same key again returns the first one."""
    earlier = _by_key(session, resident_id, key)
    if earlier is not None:
        return earlier
    stored = clock.to_store(now)
    appeal = Appeal(
        resident_id=resident_id,
        category=category if category in CATEGORIES else OTHER,
        address=address[:MAX_ADDRESS],
        description=description[:MAX_DESCRIPTION],
        photo_url=photo_url,
        status=REGISTERED,
        request_key=_request_key(resident_id, key),
        created_at=stored,
        updated_at=stored,
    )
    try:
        with session.begin_nested():
            session.add(appeal)
            session.flush()
    except IntegrityError:  # the same confirmation filed at the same moment by another worker
        earlier = _by_key(session, resident_id, key)
        if earlier is None:
            raise
        return earlier
    _event(session, appeal, REGISTERED, RESIDENT, stored, None)
    session.flush()
    return appeal


def _request_key(resident_id: int, key: str) -> str:
    return f"{resident_id}-{key}"


def _by_key(session: Session, resident_id: int, key: str) -> Optional[Appeal]:
    stored = _request_key(resident_id, key)
    return (
        session.execute(select(Appeal).where(Appeal.request_key == stored, Appeal.resident_id == resident_id))
        .scalars()
        .first()
    )


def appeals_of(session: Session, resident_id: int, limit: int = 10) -> List[Appeal]:
    """The resident's appeals, the newest first."""
    return list(
        session.execute(
            select(Appeal)
            .where(Appeal.resident_id == resident_id)
            .order_by(Appeal.created_at.desc(), Appeal.id.desc())
            .limit(limit)
        ).scalars()
    )


def appeal_by_id(session: Session, appeal_id: int) -> Optional[Appeal]:
    """Any appeal by its number (None for a number out of the column's range)."""
    return session.get(Appeal, appeal_id) if 0 < appeal_id < 2**31 else None


def appeal_of(session: Session, resident_id: int, appeal_id: int) -> Optional[Appeal]:
    """The resident's own appeal by its number; None for a number that is not theirs (or does not exist)."""
    appeal = appeal_by_id(session, appeal_id)
    return appeal if appeal is not None and appeal.resident_id == resident_id else None


def unrated_answers(session: Session, resident_id: int) -> List[Appeal]:
    """The resident's answered appeals not rated yet, the newest first."""
    return [
        a for a in appeals_of(session, resident_id, limit=50) if a.status == ANSWERED and a.rating is None
    ]


def all_appeals(session: Session, status: Optional[str] = None) -> List[Appeal]:
    """Every appeal (of one status when given), the oldest first: the staff's queue."""
    query = select(Appeal).order_by(Appeal.created_at, Appeal.id)
    if status:
        query = query.where(Appeal.status == status)
    return list(session.execute(query).scalars())


def history(session: Session, appeal_id: int) -> List[AppealEvent]:
    return list(
        session.execute(
            select(AppealEvent)
            .where(AppealEvent.appeal_id == appeal_id)
            .order_by(AppealEvent.at, AppealEvent.id)
        ).scalars()
    )


def move_appeal(
    session: Session,
    appeal_id: int,
    to_status: str,
    *,
    actor: str,
    now: datetime,
    answer: Optional[str] = None,
) -> Move:
    """Moves the appeal to `to_status` (ANSWERED needs `answer`) if its status allows it, from exactly the status
    it was read in: a concurrent move makes this one NOT_ALLOWED, never a second move."""
    appeal = appeal_by_id(session, appeal_id)
    if appeal is None:
        return Move(NOT_FOUND)
    current = appeal.status
    if to_status not in MOVES.get(current, ()):
        return Move(NOT_ALLOWED, appeal)
    stored = clock.to_store(now)
    values: Dict[str, Any] = {"status": to_status, "updated_at": stored}
    if to_status == ANSWERED:
        values["answer"] = answer
    moved = session.execute(
        update(Appeal)
        .where(Appeal.id == appeal.id, Appeal.status == current)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    appeal = session.get(Appeal, appeal.id, populate_existing=True)
    if moved.rowcount != 1:
        return Move(NOT_ALLOWED, appeal)
    _event(session, appeal, to_status, actor, stored, answer)
    session.flush()
    return Move(MOVED, appeal)


def rate_appeal(session: Session, resident_id: int, appeal_id: int, rating: int, now: datetime) -> Move:
    """The author rates the answer 1–5, once: codes MOVED (rated), NOT_FOUND (not theirs), NOT_ANSWERED,
    ALREADY_RATED (`appeal.rating` is the first rating), BAD_RATING."""
    appeal = appeal_of(session, resident_id, appeal_id)
    if appeal is None:
        return Move(NOT_FOUND)
    if rating not in RATINGS:
        return Move(BAD_RATING, appeal)
    if appeal.status != ANSWERED:
        return Move(NOT_ANSWERED, appeal)
    rated = session.execute(
        update(Appeal)
        .where(
            Appeal.id == appeal.id,
            Appeal.resident_id == resident_id,
            Appeal.status == ANSWERED,
            Appeal.rating.is_(None),
        )
        .values(rating=rating)
        .execution_options(synchronize_session=False)
    )
    appeal = session.get(Appeal, appeal.id, populate_existing=True)
    if rated.rowcount != 1:
        return Move(ALREADY_RATED, appeal)
    _event(session, appeal, RATED, RESIDENT, clock.to_store(now), str(rating))
    session.flush()
    return Move(MOVED, appeal)


def tell_resident(session: Session, appeal: Appeal, now: datetime) -> Optional[int]:
    """Schedules the news of the appeal's status for its author, due at once (the engine's notifier delivers it in
    the channel they wrote from last); None when they have no channel."""
    return notify_resident(
        session,
        appeal.resident_id,
        skill=SKILL,
        name=f"appeal-{appeal.id}-{appeal.status}",
        intent=NOTICE_INTENT,
        at=now,
        entities={NOTICE_APPEAL: appeal.id, NOTICE_STATUS: appeal.status},
        expires_after=timedelta(days=30),
    )


def seed_demo(session: Session, data: List[Any], today: date) -> None:
    """Demo appeals (demo.yml `appeals:`) of REST senders, filed `days_ago` before `today` and moved to `status`
    (taken a day later, answered two days later) with `answer` and `rating` when given."""
    for item in data:
        filed = clock.local_moment(today - timedelta(days=int(item["days_ago"])), 9)
        appeal = Appeal(
            resident_id=resident_for(session, "rest", str(item["sender"])),
            category=str(item["category"]),
            address=str(item["address"]),
            description=str(item["description"]),
            photo_url=item.get("photo_url"),
            status=REGISTERED,
            created_at=filed,
            updated_at=filed,
        )
        session.add(appeal)
        session.flush()
        _event(session, appeal, REGISTERED, RESIDENT, filed, None)
        steps = STATUSES[1 : STATUSES.index(str(item["status"])) + 1]
        for days, status in enumerate(steps, start=1):
            moment = filed + timedelta(days=days)
            note = str(item["answer"]) if status == ANSWERED else None
            appeal.status, appeal.updated_at = status, moment
            if note:
                appeal.answer = note
            _event(session, appeal, status, STAFF, moment, note)
        if item.get("rating") is not None:
            appeal.rating = int(item["rating"])
    session.flush()
