"""Actions of the education skill, one module per conversation: the catalogue, enrolment, the resident's own
courses (schedule and materials), leaving a course, and the skill's notifications."""
