"""Appeals: the category read from the words of the problem, photo links and descriptions refused politely when
they are not what they should be, a rating read from words; filed once per confirmation, another resident's appeal
invisible, status moves that happen once (also at once), the rating rules — on SQLite and PostgreSQL."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.sdk import resident_for, session_scope
from engine.testing import at_once, meeting_after, scheduled_notifications
from skills.governance import appeals
from skills.governance.models import ANSWERED, IN_WORK, REGISTERED, Appeal, AppealEvent

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.parametrize(
    "text, category",
    [
        ("яма на дороге на Ленина 5", "roads"),
        ("огромные ямы во дворе у дома", "roads"),
        ("не горит фонарь у подъезда", "lighting"),
        ("уже неделю не работают фонари, темно на улице", "lighting"),
        ("во дворе сломали качели", "yard"),
        ("мусор не вывозят неделю", "garbage"),
        ("соседи шумят по ночам, громкая музыка", "noise"),
        ("на остановке разбит павильон", "stops"),
        ("сосульки над подъездом", "snow"),
        ("снег во дворе не чистят", "snow"),
        ("мусор на остановке", "garbage"),
        ("другое", "other"),
        ("хочу пожаловаться", None),
        ("", None),
        ("\U0001f4a9" * 50, None),
        ("<script>alert('яма')</script>", "roads"),
    ],
)
def test_the_category_is_read_from_the_words_of_the_problem(text, category):
    assert appeals.category_of(text) == category


def test_a_very_long_message_is_read_without_trouble():
    assert appeals.category_of("мусор " * 5000) == "garbage"


@pytest.mark.parametrize(
    "text, link, problem",
    [
        ("https://photos.example.ru/yama.jpg", "https://photos.example.ru/yama.jpg", None),
        ("http://example.com/a.png?size=big#top", "http://example.com/a.png?size=big#top", None),
        ("«https://example.com:8080/x.jpg»", "https://example.com:8080/x.jpg", None),
        ("ftp://example.com/a.jpg", None, appeals.NOT_URL),
        ("javascript:alert(1)", None, appeals.NOT_URL),
        ("file:///etc/passwd", None, appeals.NOT_URL),
        ("https://", None, appeals.NOT_URL),
        ("https://localhost/a.jpg", None, appeals.NOT_URL),
        ("https://user:secret@example.com/a.jpg", None, appeals.NOT_URL),
        ("https://exa mple.com/a.jpg", None, appeals.NOT_URL),
        ("https://example.com/<script>", None, appeals.NOT_URL),
        ("https://example.com:99999/a.jpg", None, appeals.NOT_URL),
        ("фото на телефоне", None, appeals.NOT_URL),
        ("", None, appeals.NOT_URL),
        ("https://example.com/" + "a" * 500, None, appeals.TOO_LONG),
    ],
)
def test_only_an_http_link_is_taken_for_a_photo(text, link, problem):
    assert appeals.read_photo_url(text) == (link, problem)


def test_no_photo_in_words():
    for text in ("нет", "Без фото", "пропустить", "фото нет", "нету"):
        assert appeals.skips_photo(text), text
    for text in ("да", "https://example.com/a.jpg", "сейчас пришлю"):
        assert not appeals.skips_photo(text), text


def test_descriptions_too_short_too_long_or_marked_up_are_refused():
    assert appeals.read_description("  Глубокая яма\x00 у въезда  во двор \U0001f697 ") == (
        "Глубокая яма у въезда во двор \U0001f697",
        None,
    )
    assert appeals.read_description("яма") == (None, appeals.TOO_SHORT)
    assert appeals.read_description("1234567890 !!!") == (None, appeals.TOO_SHORT)
    assert appeals.read_description("а" * 10_000) == (None, appeals.TOO_LONG)
    assert appeals.read_description("<script>alert(1)</script> яма во дворе") == (None, appeals.MARKUP)
    assert appeals.read_description("температура < 0, на тротуаре лёд")[1] is None


def test_a_rating_in_words_or_digits():
    for text, rating in (("5", 5), ("пятёрка", 5), ("ставлю четыре", 4), ("1", 1), ("на троечку", None)):
        assert appeals.read_rating(text) == rating, text
    for text in ("0", "6", "10", "3 или 4", "", "4.5"):
        assert appeals.read_rating(text) is None, text
    assert appeals.rating_in_text("оценка 5 обращению 12") == 5
    assert appeals.rating_in_text("что с обращением 12") is None
    assert appeals.number_in_text("что с обращением 12") == 12
    assert appeals.number_in_text("жалоба № 7") == 7
    assert appeals.number_in_text("что с моей жалобой от 5 ноября") is None


def resident(name: str) -> int:
    with session_scope() as session:
        return resident_for(session, "rest", name)


def filed(who: int, key: str = "k1") -> int:
    with session_scope() as session:
        return appeals.file_appeal(
            session,
            who,
            category="roads",
            address="Ленина 5",
            description="Глубокая яма у въезда во двор",
            photo_url=None,
            key=key,
            now=NOW,
        ).id


def events(appeal_id: int):
    with session_scope() as session:
        return [(e.status, e.actor, e.note) for e in appeals.history(session, appeal_id)]


def move(appeal_id: int, status: str, answer=None) -> str:
    with session_scope() as session:
        return appeals.move_appeal(session, appeal_id, status, actor="staff", now=NOW, answer=answer).code


def rate(who: int, appeal_id: int, rating: int) -> str:
    with session_scope() as session:
        return appeals.rate_appeal(session, who, appeal_id, rating, NOW).code


def test_filed_once_per_confirmation_and_seen_only_by_its_author(store):
    anna, boris = resident("anna"), resident("boris")
    number = filed(anna)
    assert filed(anna) == number  # the same «да» twice
    assert filed(anna, "k2") != number
    assert events(number) == [(REGISTERED, "resident", None)]
    with session_scope() as session:
        assert appeals.appeal_of(session, anna, number).status == REGISTERED
        assert appeals.appeal_of(session, boris, number) is None
        assert (
            appeals.appeal_of(session, anna, 10**12) is None and appeals.appeal_of(session, anna, -1) is None
        )
        assert [a.id for a in appeals.appeals_of(session, anna)] == [number + 1, number]
        assert appeals.appeals_of(session, boris) == []


def test_the_same_confirmation_filed_at_once_files_one_appeal(store, monkeypatch):
    anna = resident("anna")
    monkeypatch.setattr(appeals, "_by_key", meeting_after(appeals._by_key, 2))
    numbers = at_once(lambda _: filed(anna, "same"), [1, 2])
    assert numbers[0] == numbers[1]
    with session_scope() as session:
        assert len(session.execute(select(Appeal)).all()) == 1


def test_status_moves_once_and_only_forward(store):
    number = filed(resident("anna"))
    assert move(number, ANSWERED, "Ответ без промежуточного шага.") == appeals.MOVED  # registered → answered
    other = filed(resident("anna"), "k2")
    assert move(other, IN_WORK) == appeals.MOVED
    assert move(other, IN_WORK) == appeals.NOT_ALLOWED  # twice
    assert move(other, ANSWERED, "Яму заделали 21 ноября.") == appeals.MOVED
    assert move(other, IN_WORK) == appeals.NOT_ALLOWED and move(other, ANSWERED, "ещё") == appeals.NOT_ALLOWED
    assert move(10**6, IN_WORK) == appeals.NOT_FOUND
    assert [status for status, _, _ in events(other)] == [REGISTERED, IN_WORK, ANSWERED]
    with session_scope() as session:
        assert session.get(Appeal, other).answer == "Яму заделали 21 ноября."


def test_two_staff_taking_the_same_appeal_at_once_move_it_once(store, monkeypatch):
    number = filed(resident("anna"))
    monkeypatch.setattr(appeals, "appeal_by_id", meeting_after(appeals.appeal_by_id, 3))
    outcomes = at_once(lambda _: move(number, IN_WORK), [1, 2, 3])
    assert sorted(outcomes) == [appeals.MOVED, appeals.NOT_ALLOWED, appeals.NOT_ALLOWED]
    assert [status for status, _, _ in events(number)] == [REGISTERED, IN_WORK]


def test_only_the_author_rates_an_answer_once(store, monkeypatch):
    anna, boris = resident("anna"), resident("boris")
    number = filed(anna)
    assert rate(anna, number, 5) == appeals.NOT_ANSWERED
    move(number, ANSWERED, "Сделано.")
    assert rate(boris, number, 5) == appeals.NOT_FOUND
    assert rate(anna, number, 0) == appeals.BAD_RATING and rate(anna, number, 6) == appeals.BAD_RATING
    monkeypatch.setattr(appeals, "appeal_by_id", meeting_after(appeals.appeal_by_id, 2))
    outcomes = at_once(lambda rating: rate(anna, number, rating), [4, 2])
    assert sorted(outcomes) == [appeals.ALREADY_RATED, appeals.MOVED]
    with session_scope() as session:
        first = [4, 2][outcomes.index(appeals.MOVED)]
        assert session.get(Appeal, number).rating == first
        rated = (
            session.execute(select(AppealEvent).where(AppealEvent.status == appeals.RATED)).scalars().all()
        )
        assert [(e.note, e.actor) for e in rated] == [(str(first), "resident")]


def test_the_author_is_told_in_the_channel_they_wrote_from(store):
    anna = resident("anna")
    number = filed(anna)
    with session_scope() as session:
        appeal = session.get(Appeal, number)
        appeal.status = IN_WORK
        assert appeals.tell_resident(session, appeal, NOW) is not None
    [(_, name, _, entities, conversation)] = scheduled_notifications()
    assert name == f"appeal-{number}-in_work" and conversation == "rest:anna"
    assert entities == {appeals.NOTICE_APPEAL: number, appeals.NOTICE_STATUS: IN_WORK}


def test_demo_appeals_of_me_in_each_status(store):
    from skills.governance.demo import DEMO

    with session_scope() as session:
        appeals.seed_demo(session, DEMO["appeals"], date(2026, 11, 20))
        mine = appeals.appeals_of(session, resident_for(session, "rest", "me"))
        assert sorted(a.status for a in mine) == sorted([REGISTERED, IN_WORK, ANSWERED])
        answered = next(a for a in mine if a.status == ANSWERED)
        assert answered.answer and answered.rating is None
        assert [e.status for e in appeals.history(session, answered.id)] == [REGISTERED, IN_WORK, ANSWERED]
