"""Demo courses for an empty store (demo.yml): city institutions' and members' courses, some seats taken by demo
residents so that one course is full and shows its waiting list. Dates are relative to today."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import clock, lemma, resident_for

from . import seats
from .models import EduCourse, EduEnrollment, EduMaterial

DEMO_FILE = Path(__file__).resolve().parent / "demo.yml"


def _course(spec: Dict[str, Any], today: date, started: int, runs: int) -> EduCourse:
    low, high = spec["ages"]
    return EduCourse(
        title=spec["title"],
        # each word and its lemma: pymorphy reads the course's word and some of its forms apart (one reading of
        # the nominative, another of the genitive), so both are matched
        topic_words=sorted(
            {form for word in spec["topic_words"] for form in (word.lower(), lemma(word.lower()))}
        ),
        teacher=spec["teacher"],
        organiser=spec["organiser"],
        place=spec.get("place"),
        online=bool(spec.get("online", False)),
        age_min=low,
        age_max=high,
        price=Decimal(str(spec["price"])),
        seats=spec["seats"],
        weekdays=list(spec["weekdays"]),
        start_time=spec["start_time"],
        duration_minutes=spec["duration_minutes"],
        starts_on=today - timedelta(days=started),
        ends_on=today + timedelta(days=runs),
        description=spec.get("description", ""),
    )


def load_demo(session: Session, today: Optional[date] = None) -> bool:
    """Fills the skill's tables once; False when there are courses already."""
    if session.execute(select(EduCourse.id).limit(1)).first() is not None:
        return False
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    today = today or clock.today()
    taker = 0
    for spec in data["courses"]:
        course = _course(spec, today, data["started_days_ago"], data["runs_days"])
        session.add(course)
        session.flush()
        for material in spec.get("materials", []):
            session.add(EduMaterial(course_id=course.id, title=material["title"], body=material["body"]))
        for _ in range(spec.get("taken", 0)):
            taker += 1
            resident = resident_for(session, "demo", f"edu-demo-{taker}")
            session.add(EduEnrollment(course_id=course.id, resident_id=resident, status=seats.ACTIVE))
    session.flush()
    return True
