"""Demo data for an empty store (demo.yml): members of the cooperative and their proposals (one open vote lowering
the commission, closing soon after the demo loads), seven city institutions with services and a fortnight of
reception slots, fines to look up by their resolution number (UIN) and appeals in each status.

Demo identities (channel `rest`): `me` and member-anna … member-dina are members and may vote; `guest` is not.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.sdk import admit_member, clock, resident_for, skill_lexicon

from . import appeals, fines, proposals, reception
from .models import Institution

DEMO = skill_lexicon(__file__, "demo.yml")
CHANNEL = "rest"
MEMBERS_SINCE = timedelta(days=365)


def load_demo(session: Session, today: Optional[date] = None) -> bool:
    """Fills the skill's tables once; False when there are institutions already."""
    if session.execute(select(Institution.id).limit(1)).first() is not None:
        return False
    today = today or clock.today()
    for sender in DEMO["members"]:
        resident = resident_for(session, CHANNEL, sender)
        admit_member(session, resident, since=today - MEMBERS_SINCE, source="demo")
    proposals.seed_demo(session, DEMO["proposals"], today)
    reception.seed_demo(session, DEMO["institutions"], today)
    fines.seed_demo(session, DEMO["fines"], today)
    appeals.seed_demo(session, DEMO["appeals"], today)
    session.flush()
    return True
