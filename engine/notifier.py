"""The notifier: delivers scheduled notifications (engine/notifications.py) into residents' conversations.

`python -m engine notifier --rasa-url URL` runs it; `make run` starts one beside the Rasa server. It polls the
shared store, so notifications scheduled before a restart are delivered after it, and any number of notifiers
(one per Rasa instance, say) can run at once: claims are atomic. Delivery is Rasa's own external-event path,
`POST /conversations/<id>/trigger_intent`, with the output sent to the conversation's latest channel.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Optional

from engine.notifications import ID_ENTITY, Due, claim_due, release, take_delivery
from engine.runtime import API_TOKEN_ENV
from engine.store import session_scope

logger = logging.getLogger(__name__)

POLL_SECONDS = 5.0
POLL_ENV = "ASSISTANT_NOTIFY_POLL_SECONDS"
TIMEOUT_SECONDS = 30.0


RESPONSE_PREFIX = "utter_"


class Delivery:
    """Delivers one notification into its conversation through Rasa's HTTP API: an intent is triggered (a skill's
    action answers it), a response (`utter_…`) is said as it is."""

    def __init__(self, rasa_url: str, token: Optional[str] = None) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token

    def url(self, due: Due) -> str:
        query = {"output_channel": "latest", **({"token": self.token} if self.token else {})}
        conversation = urllib.parse.quote(due.conversation_id, safe=":")
        route = "execute" if due.intent.startswith(RESPONSE_PREFIX) else "trigger_intent"
        return f"{self.rasa_url}/conversations/{conversation}/{route}?{urllib.parse.urlencode(query)}"

    def __call__(self, due: Due) -> bool:
        if due.intent.startswith(RESPONSE_PREFIX):
            body = json.dumps({"name": due.intent}).encode()
        else:
            body = json.dumps({"name": due.intent, "entities": {**due.entities, ID_ENTITY: due.id}}).encode()
        request = urllib.request.Request(
            self.url(due), data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
                return 200 <= reply.status < 300
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            logger.warning("notification %s not delivered: %s", due.id, error)
            return False


def deliver_due(worker: str, deliver: Callable[[Due], bool]) -> int:
    """One round: claims what is due and delivers it; how many were delivered.

    The claim commits before delivery, so no other worker takes it meanwhile; a delivered notification is marked
    so even when the skill's action did not take it, and a failed one is released for a later retry.
    """
    with session_scope() as session:
        claimed = claim_due(session, worker)
    delivered = 0
    for due in claimed:
        ok = deliver(due)
        with session_scope() as session:
            if ok:
                take_delivery(session, due.id, due.conversation_id)
                delivered += 1
            else:
                release(session, due.id, worker)
    return delivered


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_notifier(rasa_url: str) -> int:
    """Runs until SIGINT or SIGTERM, a round every POLL_SECONDS (or $ASSISTANT_NOTIFY_POLL_SECONDS)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    poll_seconds = float(os.environ.get(POLL_ENV) or POLL_SECONDS)
    stop = False

    def request_stop(_signum: int, _frame: object) -> None:
        nonlocal stop
        stop = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    deliver, worker = Delivery(rasa_url, os.environ.get(API_TOKEN_ENV)), worker_name()
    while not stop:
        try:
            deliver_due(worker, deliver)
        except Exception:  # the store was unreachable for a moment: the next round tries again
            logger.exception("notifier round failed")
        deadline = time.monotonic() + poll_seconds
        while not stop and time.monotonic() < deadline:
            time.sleep(0.2)
    return 0
