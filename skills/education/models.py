"""Tables of the education skill (declared in manifest.yml, created by migrations/)."""

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Text

from engine.sdk import Base, utcnow


class EduCourse(Base):
    """A course or club run by a cooperative member or a city institution, on a weekly schedule."""

    __tablename__ = "edu_courses"

    id = Column(Integer, primary_key=True)
    title = Column(String(128), nullable=False)
    topic_words = Column(JSON, nullable=False)  # lemmas a resident's topic is matched against
    teacher = Column(String(128), nullable=False)
    organiser = Column(String(16), nullable=False)  # library, culture_house, school, sports_club, member
    place = Column(String(255), nullable=True)  # the address; None when online only
    online = Column(Boolean, nullable=False, default=False)
    age_min = Column(Integer, nullable=True)
    age_max = Column(Integer, nullable=True)
    price = Column(Numeric(10, 2), nullable=False, default=0)  # per month; 0 is free
    seats = Column(Integer, nullable=False)
    weekdays = Column(JSON, nullable=False)  # Monday is 0
    start_time = Column(String(5), nullable=False)  # "17:30", local time
    duration_minutes = Column(Integer, nullable=False)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    description = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class EduLearner(Base):
    """A child a resident enrols: name and age asked once, kept on the resident's profile."""

    __tablename__ = "edu_learners"

    id = Column(Integer, primary_key=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    name = Column(String(64), nullable=False)
    age = Column(Integer, nullable=False)
    age_on = Column(Date, nullable=False)  # the day the age was told
    created_at = Column(DateTime, nullable=False, default=utcnow)


class EduEnrollment(Base):
    """A seat on a course for the resident or their child, or a place on its waiting list.

    status: active (a seat), waiting (in line, by queued_at), offered (a freed seat held for them until
    offered_until), left, expired (an offer not taken in time).
    """

    __tablename__ = "edu_enrollments"

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("edu_courses.id"), nullable=False, index=True)
    resident_id = Column(Integer, ForeignKey("residents.id"), nullable=False, index=True)
    learner_id = Column(Integer, ForeignKey("edu_learners.id"), nullable=True)  # None: the resident
    status = Column(String(16), nullable=False)
    queued_at = Column(DateTime, nullable=False, default=utcnow)
    offered_until = Column(DateTime, nullable=True)
    reminder_minutes = Column(Integer, nullable=False, default=120)  # lead time of lesson reminders
    created_at = Column(DateTime, nullable=False, default=utcnow)
    left_at = Column(DateTime, nullable=True)


class EduMaterial(Base):
    """A course's material: for the whole course, or for the lesson of one day."""

    __tablename__ = "edu_materials"

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("edu_courses.id"), nullable=False, index=True)
    lesson_on = Column(Date, nullable=True)
    title = Column(String(128), nullable=False)
    body = Column(Text, nullable=False)  # text, or a link
