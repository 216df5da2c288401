from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from skills.education.lessons import lessons_after

MOSCOW = ZoneInfo("Europe/Moscow")
FRIDAY = datetime(2026, 11, 20, 9, 0, tzinfo=MOSCOW)


def test_the_next_lessons_on_the_course_weekdays():
    found = lessons_after([1, 3], "17:00", date(2026, 11, 1), date(2027, 3, 1), FRIDAY, count=3)
    assert [f.strftime("%a %d %H:%M") for f in found] == ["Tue 24 17:00", "Thu 26 17:00", "Tue 01 17:00"]


def test_a_lesson_later_today_counts_and_one_begun_does_not():
    assert lessons_after([4], "11:00", date(2026, 11, 1), date(2027, 1, 1), FRIDAY)[0].day == 20
    assert lessons_after([4], "08:00", date(2026, 11, 1), date(2027, 1, 1), FRIDAY)[0].day == 27


def test_no_lessons_before_the_start_or_after_the_end():
    assert lessons_after([4], "11:00", date(2026, 12, 1), date(2027, 1, 1), FRIDAY)[0].date() == date(
        2026, 12, 4
    )
    assert lessons_after([4], "11:00", date(2026, 1, 1), date(2026, 11, 19), FRIDAY) == []


def test_times_are_local_whatever_zone_after_is_in():
    after = FRIDAY.astimezone(ZoneInfo("UTC")) + timedelta(hours=10)  # 19:00 in Moscow
    (lesson,) = lessons_after([4], "18:30", date(2026, 11, 1), date(2027, 1, 1), after)
    assert lesson.day == 27 and lesson.tzinfo == MOSCOW
