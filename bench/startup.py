"""Seconds from `python -m engine run` to the first REST answer, then per-message latency (model already trained)."""

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PORT, ACTION_PORT = 5405, 5455
MESSAGES = ["привет", "что ты умеешь?", "мой профиль", "спасибо", "расскажи анекдот", "позови оператора"]


def say(message: str) -> list:
    body = json.dumps({"sender": "bench", "message": message}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/webhooks/rest/webhook", body)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def main() -> None:
    folder = tempfile.mkdtemp()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.db"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "run", "--port", str(PORT), "--action-port", str(ACTION_PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                first = say("привет")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        ready = time.monotonic() - started
        timings = []
        for message in MESSAGES:
            t0 = time.perf_counter()
            say(message)
            timings.append((time.perf_counter() - t0) * 1000)
        print(f"start to first answer: {ready:.1f} s ({first[0]['text'][:40]}…)")
        print(
            f"answer latency over {len(timings)} messages: median {statistics.median(timings):.0f} ms, "
            f"max {max(timings):.0f} ms"
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
