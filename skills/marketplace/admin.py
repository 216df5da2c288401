"""Administrator's command line of the cooperative.

    python -m skills.marketplace.admin applications
    python -m skills.marketplace.admin approve ID
    python -m skills.marketplace.admin reject ID --reason TEXT
    python -m skills.marketplace.admin order-state ORDER STATE      (confirmed, in_progress, done)
    python -m skills.marketplace.admin verify-log

On approve/reject the applicant is told, and on order-state the customer: through the engine's notification
service (notices.py), which the notifier delivers to the resident's preferred channel, retrying while the
assistant is unreachable and recording the delivery. The output says whether a notification was scheduled (a
resident with no channel cannot be told; they see the news when asking). What the command prints is in
admin_messages.yml; an order and a refusal of an order are shown with the skill's responses (domain.yml), as the
resident would read them.
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, TextIO

from engine.sdk import StaffMessages, clock, session_scope, skill_lexicon

from . import contract_log, notices, orders, providers, texts
from .models import MarketOrder

MESSAGES = StaffMessages(__file__)
DOMAIN = skill_lexicon(__file__, "domain.yml")

say = MESSAGES.say


def say_notified(out: TextIO, notification: Optional[int]) -> None:
    if notification is None:
        say(out, "not_notified")
    else:
        say(out, "notified", notification=notification)


def _applications(_: argparse.Namespace, out: TextIO) -> int:
    with session_scope() as session:
        pending = providers.pending_applications(session)
        if not pending:
            say(out, "no_applications")
        for provider in pending:
            categories = texts.category_titles(provider.categories)
            print(
                f"{provider.id}\t{provider.name}\t{provider.phone}\t{categories}\t{', '.join(provider.districts)}",
                file=out,
            )
    return 0


def _decide(args: argparse.Namespace, out: TextIO, approve: bool) -> int:
    try:
        with session_scope() as session:
            provider = providers.decide(session, args.id, approve, getattr(args, "reason", None))
            notification = notices.tell_applicant(session, provider, clock.now())
            name, status = provider.name, texts.status_title(provider.status)
    except providers.ServiceRefused as refused:
        values = {**refused.values, "status": texts.status_title(refused.values.get("status", ""))}
        say(out, f"refused_{refused.reason}", **values)
        return 1
    say(out, "decided", application_id=args.id, name=name, status=status)
    say_notified(out, notification)
    return 0


def _order_state(args: argparse.Namespace, out: TextIO) -> int:
    try:
        with session_scope() as session:
            order = session.get(MarketOrder, args.order)
            if order is None:
                say(out, "no_order", order_id=args.order)
                return 1
            orders.set_state(session, order, args.state)
            notification = notices.tell_customer(session, order, clock.now())
            print(texts.order_summary(DOMAIN, order), file=out)
    except orders.OrderError as error:
        print(texts.refusal_text(DOMAIN, error.refusal), file=out)
        return 1
    say_notified(out, notification)
    return 0


def _verify_log(_: argparse.Namespace, out: TextIO) -> int:
    with session_scope() as session:
        tampered = contract_log.verify(session)
    if tampered is None:
        say(out, "log_intact")
        return 0
    say(out, "log_broken", record_id=tampered)
    return 1


def parser() -> argparse.ArgumentParser:
    helps = MESSAGES["help"]
    root = argparse.ArgumentParser(
        prog="python -m skills.marketplace.admin", description=MESSAGES["description"]
    )
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("applications", help=helps["applications"])
    approve = commands.add_parser("approve", help=helps["approve"])
    approve.add_argument("id", type=int)
    reject = commands.add_parser("reject", help=helps["reject"])
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True, help=helps["reason"])
    state = commands.add_parser("order-state", help=helps["order_state"])
    state.add_argument("order", type=int)
    state.add_argument("state", choices=orders.PROVIDER_STATES)
    commands.add_parser("verify-log", help=helps["verify_log"])
    return root


def main(argv: Optional[List[str]] = None, out: Optional[TextIO] = None) -> int:
    args = parser().parse_args(argv)
    out = out or sys.stdout
    if args.command == "applications":
        return _applications(args, out)
    if args.command in ("approve", "reject"):
        return _decide(args, out, approve=args.command == "approve")
    if args.command == "order-state":
        return _order_state(args, out)
    return _verify_log(args, out)


if __name__ == "__main__":
    sys.exit(main())
