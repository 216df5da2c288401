"""The notifier's delivery: Rasa's trigger_intent endpoint with the notification's intent and entities."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from engine.notifications import Due
from engine.notifier import Delivery

DUE = Due(7, "tg 42/x", "telegram", "EXTERNAL_utilities_reminder_due", {"utilities_reminder_kind": "pay"}, 1)


def serve(status):
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, json.loads(body)))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def test_delivery_triggers_the_intent_in_the_conversation_with_the_token():
    server, seen = serve(200)
    try:
        assert Delivery(f"http://127.0.0.1:{server.server_port}/", token="s3cret")(DUE)
    finally:
        server.shutdown()
    ((path, body),) = seen
    assert path == "/conversations/tg%2042%2Fx/trigger_intent?output_channel=latest&token=s3cret"
    assert body == {
        "name": "EXTERNAL_utilities_reminder_due",
        "entities": {"utilities_reminder_kind": "pay", "notification_id": 7},
    }


def test_a_refusing_or_absent_server_is_no_delivery():
    server, _ = serve(500)
    try:
        assert not Delivery(f"http://127.0.0.1:{server.server_port}")(DUE)
    finally:
        server.shutdown()
    assert not Delivery("http://127.0.0.1:9")(DUE)
