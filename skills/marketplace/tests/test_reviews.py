from datetime import timedelta
from decimal import Decimal

import pytest

from skills.marketplace import ledger, orders, reviews
from skills.marketplace.tests.conftest import NOW, moscow

TOMORROW = NOW.date() + timedelta(days=1)


@pytest.mark.parametrize(
    "said, rating",
    [
        ("пятёрка", 5),
        ("ставлю пятерку", 5),
        ("на троечку", 3),
        ("четыре", 4),
        ("5", 5),
        (4, 4),
        ("2 звезды", 2),
        ("кол", 1),
        ("двоечка", 2),
        ("отлично", 5),
        ("на четвёрку с плюсом", 4),
        ("оценка 3 из 5", 3),
    ],
)
def test_ratings_in_digits_and_words(said, rating):
    assert reviews.parse_rating(said) == rating


@pytest.mark.parametrize(
    "said",
    ["10", 0, 6, "", "дверь течёт", None, "2.5", "9" * 400, "1" * 100_000, "5," + "0" * 100_000 + "1"],
    ids=["10", "0", "6", "empty", "words", "none", "2.5", "400-digits", "100k-digits", "100k-fraction"],
)
def test_no_rating(said):
    assert reviews.parse_rating(said) is None


@pytest.fixture
def done_order(session, factory):
    """A done order, paid: only customers of paid orders review them."""
    master = factory.resident("master")
    factory.provider("Иван", rating="0", reviews=0, resident_id=master)
    customer = factory.resident("customer")
    order = orders.place_order(session, customer, "plumber", "ул. Речная, 1", moscow(TOMORROW, 10), now=NOW)
    ledger.pay_order(session, customer, order.id, f"key-{order.id}")
    orders.advance(session, master, order.id, orders.DONE, moscow(TOMORROW, 12))
    return order


def test_review_updates_the_rating_and_a_second_one_is_refused(session, factory, done_order):
    review = reviews.leave_review(session, done_order.customer_id, done_order.id, 4, "  быстро и аккуратно ")
    assert review.text == "быстро и аккуратно"
    assert (done_order.provider.rating, done_order.provider.review_count) == (Decimal("4.00"), 1)
    with pytest.raises(reviews.ReviewRefused) as refused:
        reviews.leave_review(session, done_order.customer_id, done_order.id, 5, None)
    assert (refused.value.reason, refused.value.values) == ("already_reviewed", {"order_id": done_order.id})
    assert done_order.provider.review_count == 1


def test_rating_is_the_average_of_reviews(session, factory, done_order):
    second = orders.place_order(
        session, done_order.customer_id, "plumber", "ул. Речная, 1", moscow(TOMORROW, 14), now=NOW
    )
    ledger.pay_order(session, done_order.customer_id, second.id, "key-second")
    orders.set_state(session, second, orders.DONE, moscow(TOMORROW, 16))
    reviews.leave_review(session, done_order.customer_id, done_order.id, 5, None)
    reviews.leave_review(session, done_order.customer_id, second.id, 2, None)
    assert done_order.provider.rating == Decimal("3.50")


def test_only_the_customer_of_a_done_order_reviews(session, factory, done_order):
    with pytest.raises(reviews.ReviewRefused) as stranger:
        reviews.leave_review(session, factory.resident("stranger"), done_order.id, 5, None)
    assert (stranger.value.reason, stranger.value.values) == ("not_yours", {"order_id": done_order.id})
    pending = orders.place_order(
        session, done_order.customer_id, "plumber", "ул. Речная, 1", moscow(TOMORROW, 14), now=NOW
    )
    with pytest.raises(reviews.ReviewRefused) as refused:
        reviews.leave_review(session, done_order.customer_id, pending.id, 5, None)
    assert (refused.value.reason, refused.value.values) == ("review_not_done", {"order_id": pending.id})
    with pytest.raises(reviews.ReviewRefused) as out_of_range:
        reviews.leave_review(session, done_order.customer_id, done_order.id, 7, None)
    assert out_of_range.value.reason == "bad_rating"
