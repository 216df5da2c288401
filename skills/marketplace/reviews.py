"""Reviews: only the customer of a done order, once per order, rating 1–5; the provider's rating follows."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Union

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.sdk import utcnow

from .models import MarketOrder, MarketProvider, MarketReview

Review = MarketReview

# Ratings as residents say them: "пятёрка", "на троечку", "четыре", "двоечка", "кол". Short numerals must match
# the whole word; longer stems match the beginning of a word form (ё is read as е).
RATING_WORDS = (
    (5, ("пять", "пятерк", "пятерочк", "отличн", "превосходн", "великолепн")),
    (4, ("четыре", "четверк", "четверочк", "хорош")),
    (3, ("три", "тройк", "троечк", "трояк", "удовлетворительн", "нормальн", "средн")),
    (2, ("два", "две", "двойк", "двоечк", "двояк", "плох")),
    (1, ("один", "одна", "единиц", "единичк", "кол", "ужасн", "отвратительн")),
)
WHOLE_WORD_LENGTH = 4


class ReviewRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_rating(value: Union[str, int, float, None]) -> Optional[int]:
    """1–5 from a digit or a word; None when there is no rating or it is out of range."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == int(value) and 1 <= value <= 5 else None
    text = value.lower().replace("ё", "е")
    number = re.search(r"\d+(?:[.,]\d+)?", text)
    if number:
        digits = number.group().replace(",", ".")
        return int(float(digits)) if float(digits) == int(float(digits)) and 1 <= float(digits) <= 5 else None
    words = re.findall(r"[а-я]+", text)
    for rating, stems in RATING_WORDS:
        for stem in stems:
            if any(word == stem or (len(stem) > WHOLE_WORD_LENGTH and word.startswith(stem)) for word in words):
                return rating
    return None


def _recompute(session: Session, provider_id: int) -> None:
    average, count = session.execute(
        select(func.avg(MarketReview.rating), func.count(MarketReview.id)).where(MarketReview.provider_id == provider_id)
    ).one()
    provider = session.get(MarketProvider, provider_id)
    provider.review_count = count
    provider.rating = Decimal(str(average or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def leave_review(
    session: Session, customer_id: int, order_id: int, rating: int, text: Optional[str] = None
) -> MarketReview:
    order = session.get(MarketOrder, order_id)
    if order is None or order.customer_id != customer_id:
        raise ReviewRefused(f"Заказа № {order_id} среди ваших заказов нет.")
    if order.state != "done":
        raise ReviewRefused(f"Отзыв можно оставить, когда заказ выполнен, а заказ № {order.id} ещё не выполнен.")
    if parse_rating(rating) is None:
        raise ReviewRefused("Оценка — число от 1 до 5.")
    exists = session.execute(select(MarketReview.id).where(MarketReview.order_id == order.id)).scalar_one_or_none()
    if exists is not None:
        raise ReviewRefused(f"Отзыв на заказ № {order.id} вы уже оставили — второй раз оценить нельзя.")
    review = MarketReview(
        order_id=order.id, provider_id=order.provider_id, customer_id=customer_id, rating=int(rating),
        text=(text or "").strip() or None, created_at=utcnow(),
    )
    session.add(review)
    session.flush()
    _recompute(session, order.provider_id)
    session.flush()
    return review
