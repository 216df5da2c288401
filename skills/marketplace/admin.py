"""Administrator's command line of the cooperative.

    python -m skills.marketplace.admin applications
    python -m skills.marketplace.admin approve ID
    python -m skills.marketplace.admin reject ID --reason TEXT
    python -m skills.marketplace.admin order-state ORDER STATE      (confirmed, in_progress, done)
    python -m skills.marketplace.admin verify-log

On approve/reject the applicant is told: for each of their channel identities the assistant's Rasa server
(`ASSISTANT_RASA_URL`, default http://127.0.0.1:5005, with the API token `RASA_API_TOKEN`) receives the external intent
`EXTERNAL_market_application_decided`, whose action reads the decision from the store. Telling is best effort:
the output says whether it worked; the applicant also sees the decision when asking about their application.
What the command prints is in admin_messages.yml; an order and a refusal of an order are shown with the
skill's responses (domain.yml), as the resident would read them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, List, Optional, TextIO, Tuple

from engine.sdk import StaffMessages, channel_identities_of, session_scope, skill_lexicon

from . import contract_log, orders, providers, texts
from .models import MarketOrder

DECIDED_INTENT = "EXTERNAL_market_application_decided"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
MESSAGES = StaffMessages(__file__)
DOMAIN = skill_lexicon(__file__, "domain.yml")
Poster = Callable[[str, dict], bool]

say = MESSAGES.say


def post_json(url: str, payload: dict) -> bool:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def notify_applicant(identities: List[Tuple[str, str]], post: Poster) -> int:
    """Triggers the decision intent in every conversation (channel, user id) of the applicant; how many were
    reached."""
    base = os.environ.get("ASSISTANT_RASA_URL", DEFAULT_RASA_URL).rstrip("/")
    reached = 0
    query = {
        "output_channel": "latest",
        **({"token": token} if (token := os.environ.get("RASA_API_TOKEN")) else {}),
    }
    for _, conversation in identities:
        sender = urllib.parse.quote(conversation, safe=":")
        url = f"{base}/conversations/{sender}/trigger_intent?{urllib.parse.urlencode(query)}"
        reached += bool(post(url, {"name": DECIDED_INTENT, "entities": {}}))
    return reached


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


def _decide(args: argparse.Namespace, out: TextIO, post: Poster, approve: bool) -> int:
    try:
        with session_scope() as session:
            provider = providers.decide(session, args.id, approve, getattr(args, "reason", None))
            identities = channel_identities_of(session, provider.resident_id) if provider.resident_id else []
            name, status = provider.name, texts.status_title(provider.status)
    except providers.ServiceRefused as refused:
        values = {**refused.values, "status": texts.status_title(refused.values.get("status", ""))}
        say(out, f"refused_{refused.reason}", **values)
        return 1
    say(out, "decided", application_id=args.id, name=name, status=status)
    reached = notify_applicant(identities, post)
    if reached:
        say(out, "notified", reached=reached, total=len(identities))
    else:
        say(out, "not_notified")
    return 0


def _order_state(args: argparse.Namespace, out: TextIO) -> int:
    try:
        with session_scope() as session:
            order = session.get(MarketOrder, args.order)
            if order is None:
                say(out, "no_order", order_id=args.order)
                return 1
            orders.set_state(session, order, args.state)
            print(texts.order_summary(DOMAIN, order), file=out)
    except orders.OrderError as error:
        print(texts.refusal_text(DOMAIN, error.refusal), file=out)
        return 1
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


def main(argv: Optional[List[str]] = None, post: Poster = post_json, out: Optional[TextIO] = None) -> int:
    args = parser().parse_args(argv)
    out = out or sys.stdout
    if args.command == "applications":
        return _applications(args, out)
    if args.command in ("approve", "reject"):
        return _decide(args, out, post, approve=args.command == "approve")
    if args.command == "order-state":
        return _order_state(args, out)
    return _verify_log(args, out)


if __name__ == "__main__":
    sys.exit(main())
