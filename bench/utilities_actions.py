"""Latency of the utilities skill's actions (median, p95) on a migrated SQLite store with the demo data, in process.

Each action runs RUNS times through engine.testing's run_action, as the action server would call it, for a resident
whose demo account is linked. Readings and payments really are written each time (new values, new payment keys).
"""

import os
import sys
import tempfile
import uuid
from decimal import Decimal
from typing import Callable, Dict

from timing import report

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ACCOUNT, PHONE_DIGITS = "1002003004", "4321"
READING_FORM = {
    "forms": {
        "utilities_reading_form": {
            "required_slots": [
                "utilities_reading_values",
                "utilities_meter_choice",
                "utilities_reading_confirm",
            ]
        }
    }
}
PAY_FORM = {
    "forms": {"utilities_pay_form": {"required_slots": ["utilities_pay_amount", "utilities_pay_confirm"]}}
}
LINK_FORM = {
    "forms": {
        "utilities_link_account_form": {"required_slots": ["account_number", "utilities_ownership_check"]}
    }
}


def main() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    from engine.sdk import session_scope
    from engine.store.migrate import upgrade
    from engine.testing import make_tracker, run_action
    from skills.utilities import demo
    from skills.utilities.accounts import find_account
    from skills.utilities.actions import info, link, pay, problems, readings, reminders
    from skills.utilities.meter_readings import meters_of

    upgrade(os.environ["DATABASE_URL"])
    with session_scope() as session:
        demo.load_demo(session)

    def form_tracker(text, intent, slots, loop, just_set):
        tracker = make_tracker(text, intent, slots=slots, active_loop=loop)
        tracker.events += [{"event": "slot", "name": name, "value": slots[name]} for name in just_set]
        return tracker

    ownership = {
        "account_number": ACCOUNT,
        "utilities_ownership_check": PHONE_DIGITS,
        "requested_slot": "utilities_ownership_check",
    }
    run_action(
        link.ValidateUtilitiesLinkAccountForm(),
        form_tracker(
            PHONE_DIGITS, "inform", ownership, "utilities_link_account_form", ["utilities_ownership_check"]
        ),
        LINK_FORM,
    )
    run_action(
        reminders.ActionUtilitiesReminder(),
        make_tracker("напоминай передавать показания", "utilities_reminder"),
    )

    def last_day_reading() -> Decimal:
        with session_scope() as session:
            meters = meters_of(session, find_account(session, ACCOUNT))
            return next(m.last_reading for m in meters if m.resource == "electricity" and m.zone == "day")

    def submit_reading() -> None:
        text = f"свет день {int(last_day_reading()) + 5}"
        slots = {"utilities_reading_values": text}
        _, events = run_action(
            readings.ValidateUtilitiesReadingForm(),
            form_tracker(
                text,
                "utilities_submit_reading",
                slots,
                "utilities_reading_form",
                ["utilities_reading_values"],
            ),
            READING_FORM,
        )
        filled = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        run_action(readings.ActionUtilitiesSubmitReadingDone(), make_tracker(slots=filled))

    def pay_100() -> None:
        slots = {
            "utilities_pay_amount": 100.0,
            "utilities_pay_confirm": True,
            "utilities_pay_key": uuid.uuid4().hex,
        }
        run_action(pay.ActionUtilitiesPayDone(), make_tracker("да", "affirm", slots=slots))

    cases: Dict[str, Callable[[], object]] = {
        "action_utilities_balance": lambda: run_action(
            info.ActionUtilitiesBalance(), make_tracker("остаток по счёту подробно", "utilities_balance")
        ),
        "action_utilities_charges": lambda: run_action(
            info.ActionUtilitiesCharges(), make_tracker("за что начислили", "utilities_charges")
        ),
        "action_utilities_payment_history": lambda: run_action(
            info.ActionUtilitiesPaymentHistory(),
            make_tracker("история платежей", "utilities_payment_history"),
        ),
        "action_utilities_tariffs": lambda: run_action(
            info.ActionUtilitiesTariffs(), make_tracker("тарифы", "utilities_tariffs")
        ),
        "validate_utilities_pay_form (amount due)": lambda: run_action(
            pay.ValidateUtilitiesPayForm(),
            make_tracker("оплати квартплату", "utilities_pay", active_loop="utilities_pay_form"),
            PAY_FORM,
        ),
        "action_ask_utilities_pay_confirm": lambda: run_action(
            pay.ActionAskUtilitiesPayConfirm(),
            make_tracker(slots={"utilities_pay_amount": 100.0}, active_loop="utilities_pay_form"),
        ),
        "action_utilities_pay_done (sandbox payment)": pay_100,
        "readings: validate + done (one value)": submit_reading,
        "action_utilities_reminder": lambda: run_action(
            reminders.ActionUtilitiesReminder(),
            make_tracker("напомни заплатить до 10-го", "utilities_reminder"),
        ),
        "action_utilities_reminder_due": lambda: run_action(
            reminders.ActionUtilitiesReminderDue(),
            make_tracker(
                "",
                "EXTERNAL_utilities_reminder_due",
                entities=[{"entity": "utilities_reminder_kind", "value": "readings"}],
            ),
        ),
        "action_utilities_report_problem": lambda: run_action(
            problems.ActionUtilitiesReportProblem(),
            make_tracker("в подъезде не горит свет", "utilities_report_problem"),
        ),
    }
    print(f"{RUNS} runs each, SQLite store with the demo data")
    report(cases, RUNS)


if __name__ == "__main__":
    main()
