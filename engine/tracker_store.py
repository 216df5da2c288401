"""Rasa's SQL tracker store, hardened for a database that restarts (the PostgreSQL endpoints files name it).

- Pooled connections are checked before use (`pool_pre_ping`): Rasa's `SQLTrackerStore` creates its engine without
  it, so after a PostgreSQL restart (or a failover, or an idle connection cut by a firewall) the next turn that
  takes a dead connection fails although the database is back.
- While the database is down, a turn fails as a whole. Rasa wraps every tracker store in `FailSafeTrackerStore`,
  which catches any Exception: a failed read goes on with an empty conversation (a resident's "yes" read without
  the question it answers), a failed write keeps the turn in memory only (lost when the database is back). The
  database's errors are raised past it as `TrackerStoreUnavailable`, and the channel answers the resident with an
  apology (connectors/turns.py).

The settings are those of `type: SQL`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import SQLAlchemyError


class TrackerStoreUnavailable(BaseException):
    """The conversations' database did not answer. A BaseException on purpose, so that Rasa's
    `FailSafeTrackerStore` (which catches every Exception) lets it through and the turn fails as a whole."""


class PingingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def keys(self) -> Iterable[Text]:
        with _database_answers():
            return await super().keys()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with _database_answers():
            return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        with _database_answers():
            return await super().retrieve_full_tracker(conversation_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with _database_answers():
            await super().save(tracker)


@contextmanager
def _database_answers() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as error:
        raise TrackerStoreUnavailable(str(error)) from error
