from sqlalchemy import select

from engine.demo import load_demo_data
from engine.store import session_scope

DEMO = """
from sqlalchemy import select

from .models import DemoedNote


def load_demo(session) -> bool:
    if session.execute(select(DemoedNote.id)).first():
        return False
    session.add(DemoedNote(resident_id=1, text="демо"))
    return True
"""


def test_demo_data_fills_an_empty_store_once(make_skill, packages, sqlite_store, monkeypatch):
    root = make_skill("demoed")
    (root / "demo.py").write_text(DEMO, encoding="utf-8")
    from engine.store.migrate import upgrade

    upgrade(sqlite_store, packages())
    with session_scope() as session:
        from engine.store.models import Resident

        session.add(Resident(id=1))
    assert load_demo_data(packages()) == ["demoed"]
    assert load_demo_data(packages()) == []
    from skills.demoed.models import DemoedNote

    with session_scope() as session:
        assert session.execute(select(DemoedNote.text)).scalars().all() == ["демо"]
