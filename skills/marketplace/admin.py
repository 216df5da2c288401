"""Administrator's command line of the cooperative.

    python -m skills.marketplace.admin applications
    python -m skills.marketplace.admin approve ID
    python -m skills.marketplace.admin reject ID --reason "нет документов"
    python -m skills.marketplace.admin order-state ORDER STATE      (confirmed, in_progress, done)
    python -m skills.marketplace.admin verify-log

On approve/reject the applicant is told: for each of their channel identities the assistant's Rasa server
(started with --enable-api; `ASSISTANT_RASA_URL`, default http://127.0.0.1:5005) receives the external intent
`EXTERNAL_market_application_decided`, whose action reads the decision from the store. Telling is best effort:
the output says whether it worked; the applicant also sees the decision when asking about their application.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, List, Optional

from sqlalchemy import select

from engine.sdk import session_scope
from engine.store.models import ChannelIdentity

from . import catalog, contract_log, orders, providers
from .models import MarketOrder

DECIDED_INTENT = "EXTERNAL_market_application_decided"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
Poster = Callable[[str, dict], bool]


def post_json(url: str, payload: dict) -> bool:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def notify_applicant(identities: List[ChannelIdentity], post: Poster) -> int:
    """Triggers the decision intent in every conversation of the applicant; how many were reached."""
    base = os.environ.get("ASSISTANT_RASA_URL", DEFAULT_RASA_URL).rstrip("/")
    reached = 0
    for identity in identities:
        sender = urllib.parse.quote(identity.external_id, safe="")
        url = f"{base}/conversations/{sender}/trigger_intent?output_channel=latest"
        reached += bool(post(url, {"name": DECIDED_INTENT, "entities": {}}))
    return reached


def _applications(_: argparse.Namespace, out) -> int:
    with session_scope() as session:
        pending = providers.pending_applications(session)
        if not pending:
            print("Заявок на модерации нет.", file=out)
        for provider in pending:
            categories = ", ".join(catalog.CATEGORY_TITLES.get(c, c) for c in provider.categories)
            print(f"{provider.id}\t{provider.name}\t{provider.phone}\t{categories}\t{', '.join(provider.districts)}",
                  file=out)
    return 0


def _decide(args: argparse.Namespace, out, post: Poster, approve: bool) -> int:
    try:
        with session_scope() as session:
            provider = providers.decide(session, args.id, approve, getattr(args, "reason", None))
            identities = list(session.execute(
                select(ChannelIdentity).where(ChannelIdentity.resident_id == provider.resident_id)
            ).scalars()) if provider.resident_id else []
            name, status = provider.name, providers.STATUS_TITLES[provider.status]
    except providers.ServiceRefused as refused:
        print(refused.message, file=out)
        return 1
    print(f"Заявка № {args.id} ({name}): {status}.", file=out)
    reached = notify_applicant(identities, post)
    if reached:
        print(f"Заявитель уведомлён ({reached} из {len(identities)} каналов).", file=out)
    else:
        print("Уведомить заявителя не удалось (ассистент недоступен): он увидит решение, "
              "когда спросит о заявке.", file=out)
    return 0


def _order_state(args: argparse.Namespace, out) -> int:
    try:
        with session_scope() as session:
            order = session.get(MarketOrder, args.order)
            if order is None:
                print(f"Заказа № {args.order} нет.", file=out)
                return 1
            orders.set_state(session, order, args.state)
            print(orders.describe(order), file=out)
    except orders.OrderError as error:
        print(error.message, file=out)
        return 1
    return 0


def _verify_log(_: argparse.Namespace, out) -> int:
    with session_scope() as session:
        tampered = contract_log.verify(session)
    if tampered is None:
        print("Журнал договорных событий цел: цепочка хешей сходится.", file=out)
        return 0
    print(f"Журнал повреждён: запись № {tampered} изменена или вставлена вне цепочки.", file=out)
    return 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m skills.marketplace.admin", description="Администрирование кооператива")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("applications", help="заявки на вступление, ожидающие решения")
    approve = commands.add_parser("approve", help="одобрить заявку")
    approve.add_argument("id", type=int)
    reject = commands.add_parser("reject", help="отклонить заявку")
    reject.add_argument("id", type=int)
    reject.add_argument("--reason", required=True)
    state = commands.add_parser("order-state", help="перевести заказ в состояние confirmed, in_progress или done")
    state.add_argument("order", type=int)
    state.add_argument("state", choices=orders.PROVIDER_STATES)
    commands.add_parser("verify-log", help="проверить цепочку хешей журнала договорных событий")
    return root


def main(argv: Optional[List[str]] = None, post: Poster = post_json, out=None) -> int:
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
