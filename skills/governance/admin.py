"""Staff's command line of the governance skill: residents' appeals to the administration, and the check of the
cooperative's chained minutes.

    python -m skills.governance.admin appeals [--status S]     (registered, in_work, answered)
    python -m skills.governance.admin appeal ID
    python -m skills.governance.admin take ID
    python -m skills.governance.admin answer ID --text TEXT
    python -m skills.governance.admin verify-minutes [--head DIGEST ...]

Taking and answering an appeal tell its author: a notification (`EXTERNAL_gov_appeal_notice`) is stored in the same
unit of work as the move and delivered by the engine's notifier in the channel the author wrote from last, also if
the assistant is down right now. What the command prints is in admin_messages.yml; categories and statuses read as
the resident reads them (domain.yml).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, List, Optional, Sequence, TextIO

from sqlalchemy.orm import Session

from engine.sdk import StaffMessages, clock, session_scope, skill_lexicon

from . import appeals
from .appeal_texts import appeal_values, status_title
from .models import ANSWERED, IN_WORK

MESSAGES = StaffMessages(__file__)
DOMAIN = skill_lexicon(__file__, "domain.yml")
SHORT = 60

say = MESSAGES.say


def verify_chain(session: Session, published_heads: Sequence[str]) -> Any:
    """minutes.verify_chain: a ChainReport (ok, records, head, problem, sequence)."""
    from .minutes import verify_chain as verify

    return verify(session, published_heads)


def _short(text: str) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= SHORT else flat[: SHORT - 1] + "\u2026"


def _appeals(args: argparse.Namespace, out: TextIO) -> int:
    with session_scope() as session:
        found = appeals.all_appeals(session, args.status)
        if not found:
            say(out, "no_appeals")
        for appeal in found:
            values = appeal_values(DOMAIN, appeal)
            say(
                out,
                "appeal_line",
                **{**values, "address": _short(appeal.address), "description": _short(appeal.description)},
            )
    return 0


def _appeal(args: argparse.Namespace, out: TextIO) -> int:
    with session_scope() as session:
        appeal = appeals.appeal_by_id(session, args.id)
        if appeal is None:
            say(out, "no_appeal", number=args.id)
            return 1
        values = appeal_values(DOMAIN, appeal)
        say(out, "appeal_card", **values, photo=appeal.photo_url or MESSAGES["no_photo"])
        if appeal.answer:
            say(out, "appeal_answer", answer=appeal.answer)
        if appeal.rating:
            say(out, "appeal_rating", rating=appeal.rating)
        say(out, "history")
        for event in appeals.history(session, appeal.id):
            status = status_title(DOMAIN, event.status) if event.status in appeals.STATUSES else event.status
            note = f": {_short(event.note)}" if event.note else ""
            at = clock.to_local(event.at).strftime("%d.%m.%Y %H:%M")
            say(out, "history_line", at=at, status=status, actor=event.actor, note=note)
    return 0


def _move(args: argparse.Namespace, out: TextIO, to_status: str) -> int:
    answer = None
    if to_status == ANSWERED:
        answer = appeals.plain_text(args.text)
        if not answer or len(answer) > appeals.MAX_ANSWER:
            say(out, "empty_answer", limit=appeals.MAX_ANSWER)
            return 1
    now = clock.now()
    with session_scope() as session:
        moved = appeals.move_appeal(session, args.id, to_status, actor=appeals.STAFF, now=now, answer=answer)
        if moved.code == appeals.NOT_FOUND:
            say(out, "no_appeal", number=args.id)
            return 1
        if moved.code != appeals.MOVED:
            current, wanted = status_title(DOMAIN, moved.appeal.status), status_title(DOMAIN, to_status)
            say(out, "not_allowed", number=args.id, status=current, to=wanted)
            return 1
        notification = appeals.tell_resident(session, moved.appeal, now)
    say(out, "taken" if to_status == IN_WORK else "answered", number=args.id)
    if notification is None:
        say(out, "not_notified")
    else:
        say(out, "notified", notification=notification)
    return 0


def _verify_minutes(args: argparse.Namespace, out: TextIO) -> int:
    with session_scope() as session:
        report = verify_chain(session, list(args.head or []))
    if report.ok:
        say(out, "minutes_intact", records=report.records, head=report.head)
        return 0
    problem = MESSAGES["minutes_problems"].get(report.problem, report.problem)
    say(out, "minutes_broken", sequence=report.sequence, problem=problem)
    return 1


def parser() -> argparse.ArgumentParser:
    helps = MESSAGES["help"]
    root = argparse.ArgumentParser(
        prog="python -m skills.governance.admin", description=MESSAGES["description"]
    )
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("appeals", help=helps["appeals"])
    listing.add_argument("--status", choices=appeals.STATUSES, help=helps["status"])
    for name in ("appeal", "take"):
        command = commands.add_parser(name, help=helps[name])
        command.add_argument("id", type=int)
    answer = commands.add_parser("answer", help=helps["answer"])
    answer.add_argument("id", type=int)
    answer.add_argument("--text", required=True, help=helps["text"])
    verify = commands.add_parser("verify-minutes", help=helps["verify_minutes"])
    verify.add_argument("--head", action="extend", nargs="+", metavar="DIGEST", help=helps["head"])
    return root


def main(argv: Optional[List[str]] = None, out: Optional[TextIO] = None) -> int:
    args = parser().parse_args(argv)
    out = out or sys.stdout
    if args.command == "appeals":
        return _appeals(args, out)
    if args.command == "appeal":
        return _appeal(args, out)
    if args.command in ("take", "answer"):
        return _move(args, out, IN_WORK if args.command == "take" else ANSWERED)
    return _verify_minutes(args, out)


if __name__ == "__main__":
    sys.exit(main())
