"""The shared data store: one SQLAlchemy database for the engine and every skill."""

from engine.store.base import Base, utcnow
from engine.store.db import get_engine, session_scope

__all__ = ["Base", "get_engine", "session_scope", "utcnow"]
