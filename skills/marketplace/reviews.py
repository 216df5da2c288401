"""Reviews: only the customer of a done and paid order who is not its provider, once per order, rating 1–5; the
provider's rating follows.

The rating is recomputed from all the provider's reviews with the provider's row locked, so that two reviews saved
at once both count (on PostgreSQL the second waits for the first, then its aggregate sees both). A review sent twice
at once is saved once: the store's unique order id refuses the second.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Union

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.sdk import fold_spelling, skill_lexicon, utcnow

from . import ledger
from .lifecycle import DONE, order_by_id
from .models import MarketProvider, MarketReview
from .refusals import Refused

LEXICON = skill_lexicon(__file__)
# Ratings as residents say them, highest first (lexicon.yml).
RATING_WORDS = tuple((int(rating), tuple(stems)) for rating, stems in LEXICON["ratings"].items())
WHOLE_WORD_LENGTH = int(LEXICON["rating_whole_word_length"])
WORD = re.compile(LEXICON["word_pattern"])


class ReviewRefused(Refused):
    """A review refused; `reason` and `values` say why (see refusals)."""


def parse_rating(value: Union[str, int, float, None]) -> Optional[int]:
    """1–5 from a digit or a word; None when there is no rating or it is out of range."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == int(value) and 1 <= value <= 5 else None
    text = fold_spelling(value.lower())
    number = re.search(r"\d+(?:[.,]\d+)?", text)
    if number:
        # Decimal, not float: a hundred thousand typed digits are a number too large, never infinity or 5.0
        value = Decimal(number.group().replace(",", "."))
        return int(value) if value == value.to_integral_value() and 1 <= value <= 5 else None
    words = WORD.findall(text)
    for rating, stems in RATING_WORDS:
        for stem in stems:
            if any(
                word == stem or (len(stem) > WHOLE_WORD_LENGTH and word.startswith(stem)) for word in words
            ):
                return rating
    return None


def _lock_provider(session: Session, provider_id: int) -> MarketProvider:
    return session.execute(
        select(MarketProvider)
        .where(MarketProvider.id == provider_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _recompute(session: Session, provider_id: int) -> None:
    """The provider's rating and review count from every review: the provider's row is locked first, so the
    aggregate read after it sees every review committed by the time the lock is granted."""
    provider = _lock_provider(session, provider_id)
    average, count = session.execute(
        select(func.avg(MarketReview.rating), func.count(MarketReview.id)).where(
            MarketReview.provider_id == provider_id
        )
    ).one()
    provider.review_count = count
    provider.rating = Decimal(str(average or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def leave_review(
    session: Session, customer_id: int, order_id: int, rating: int, text: Optional[str] = None
) -> MarketReview:
    order = order_by_id(session, order_id)
    if order is None or order.customer_id != customer_id:
        raise ReviewRefused("not_yours", order_id=order_id)
    if order.state != DONE:
        raise ReviewRefused("review_not_done", order_id=order.id)
    if order.provider is not None and order.provider.resident_id == customer_id:
        raise ReviewRefused("review_own_order", order_id=order.id)
    if not ledger.is_paid(session, order.id):
        raise ReviewRefused("review_unpaid", order_id=order.id)
    if parse_rating(rating) is None:
        raise ReviewRefused("bad_rating")
    exists = session.execute(
        select(MarketReview.id).where(MarketReview.order_id == order.id)
    ).scalar_one_or_none()
    if exists is not None:
        raise ReviewRefused("already_reviewed", order_id=order.id)
    # Before the review row: inserting it takes a key-share lock on the provider's row (its foreign key), and two
    # reviews each holding one while asking for the update lock of `_recompute` deadlock (PostgreSQL).
    _lock_provider(session, order.provider_id)
    review = MarketReview(
        order_id=order.id,
        provider_id=order.provider_id,
        customer_id=customer_id,
        rating=int(rating),
        text=(text or "").strip() or None,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:  # the same review saved by another worker a moment ago
        raise ReviewRefused("already_reviewed", order_id=order.id) from None
    _recompute(session, order.provider_id)
    session.flush()
    return review
