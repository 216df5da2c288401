"""Latency of the marketplace skill's actions (median, p95) on a migrated SQLite store with the demo data, in process.

Each action runs RUNS times through engine.testing's run_action, as the action server would call it. Orders really
are placed, paid and cancelled (cancelling frees the provider's hours, so the calendar never fills up).
"""

import os
import sys
import tempfile
import uuid
from datetime import timedelta
from typing import Callable, Dict

from timing import report

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ORDER_FORM = {
    "forms": {
        "market_order_form": {
            "required_slots": [
                "market_category",
                "market_address",
                "market_day",
                "market_hour",
                "market_order_confirm",
            ]
        }
    }
}


def main() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    from engine.residents import identity_for
    from engine.sdk import session_scope, utcnow
    from engine.store.migrate import upgrade
    from engine.testing import make_tracker, run_action
    from skills.marketplace import demo, dispatch, orders
    from skills.marketplace.actions import my_orders, order, pay, provider, search

    upgrade(os.environ["DATABASE_URL"])
    with session_scope() as session:
        demo.load_demo(session)
    tomorrow = (dispatch.to_local(utcnow()).date() + timedelta(days=1)).isoformat()
    plumber = [{"entity": "service_category", "value": "plumber"}, {"entity": "date", "value": tomorrow}]
    placed = {
        "market_category": "plumber",
        "market_address": "ул. Ленина, 15, Заречный район",
        "market_day": tomorrow,
        "market_hour": "10:00",
        "market_order_confirm": True,
    }

    def validate_hour() -> None:
        slots = {**placed, "market_order_confirm": None, "requested_slot": "market_hour"}
        tracker = make_tracker("в 10", "inform", slots=slots, active_loop="market_order_form")
        tracker.events.append({"event": "slot", "name": "market_hour", "value": "10:00"})
        run_action(order.ValidateMarketOrderForm(), tracker, ORDER_FORM)

    def place() -> int:
        run_action(
            order.ActionMarketOrderDone(), make_tracker("да", "affirm", slots=placed, sender_id="bench")
        )
        with session_scope() as session:
            return orders.customer_orders(session, identity_for(session, "rest", "bench").resident_id)[0].id

    def cancel(order_id: int) -> None:
        slots = {"market_cancel_order": order_id, "market_cancel_confirm": True}
        run_action(
            my_orders.ActionMarketCancelDone(), make_tracker("да", "affirm", slots=slots, sender_id="bench")
        )

    def place_and_cancel() -> None:
        cancel(place())

    def pay_and_cancel() -> None:
        order_id = place()
        slots = {"market_pay_order": order_id, "market_pay_confirm": True, "market_pay_key": uuid.uuid4().hex}
        run_action(pay.ActionMarketPayDone(), make_tracker("да", "affirm", slots=slots, sender_id="bench"))
        cancel(order_id)

    cases: Dict[str, Callable[[], object]] = {
        "action_market_search (plumber tomorrow)": lambda: run_action(
            search.ActionMarketSearch(), make_tracker("нужен сантехник на завтра", "market_search", plumber)
        ),
        "validate_market_order_form (hour check)": validate_hour,
        "action_ask_market_order_confirm (quote)": lambda: run_action(
            order.ActionAskMarketOrderConfirm(), make_tracker(slots=placed, sender_id="bench")
        ),
        "order placed + cancelled": place_and_cancel,
        "order placed + paid (sandbox) + cancelled": pay_and_cancel,
        "action_market_order_status (list)": lambda: run_action(
            my_orders.ActionMarketOrderStatus(),
            make_tracker("мои заказы", "market_order_status", sender_id="bench"),
        ),
        "action_market_provider_stats": lambda: run_action(
            provider.ActionMarketProviderStats(),
            make_tracker("сколько я заработал", "market_provider_stats", sender_id="master-ivan"),
        ),
    }
    print(f"{RUNS} runs each, SQLite store with the demo data")
    report(cases, RUNS)


if __name__ == "__main__":
    main()
