"""Moving everything a resident has to another resident: what a phone link does when a channel that was used
anonymously joins the account that already has the phone.

The engine knows no skill's tables, so the rows to move are found from the database's own foreign keys to
`residents.id`: a skill's new table counts without anyone listing it. A row that cannot move because the target
has one of its own where only one is allowed (a unique constraint: two provider memberships, two driver profiles)
stops the merge, and nothing moves.
"""

from __future__ import annotations

from typing import List, Tuple

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import column, quoted_name, table

from engine.store.models import AuditRecord, ResidentAddress

# The audit log keeps who did what as it was: its rows are history, and the log is append-only.
_HISTORY = {AuditRecord.__tablename__}


def resident_references(session: Session) -> List[Tuple[str, str]]:
    """(table, column) of every foreign key to residents.id in the database, in a stable order."""
    inspector = inspect(session.connection())
    found = []
    for name in sorted(inspector.get_table_names()):
        for key in inspector.get_foreign_keys(name):
            if key["referred_table"] == "residents" and key["referred_columns"] == ["id"]:
                found.extend((name, constrained) for constrained in key["constrained_columns"])
    return found


def move_belongings(session: Session, source_id: int, target_id: int) -> bool:
    """Re-points every row of `source_id` to `target_id` in the caller's unit of work; False, with nothing
    moved, when a row cannot move (the target already has its own where only one is allowed).

    The target's remembered address wins over the source's: it is the one the phone's owner gave last.
    """
    session.flush()
    savepoint = session.begin_nested()
    try:
        if session.execute(
            select(ResidentAddress.id).where(ResidentAddress.resident_id == target_id)
        ).first():
            session.execute(delete(ResidentAddress).where(ResidentAddress.resident_id == source_id))
        for name, column_name in resident_references(session):
            if name in _HISTORY:
                continue
            rows = table(quoted_name(name, True), column(column_name))
            session.execute(
                update(rows).where(rows.c[column_name] == source_id).values({column_name: target_id})
            )
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return False
    session.expire_all()
    return True
