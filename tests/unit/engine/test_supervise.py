"""The embedded launcher's supervisor: a process that dies is started again; one that keeps dying stops all."""

import sys
import threading

from engine import launcher
from engine.launcher import Servers, StopRequest, supervise

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHER = [sys.executable, "-c", "raise SystemExit(3)"]


def test_a_killed_process_is_started_again_with_the_same_command(monkeypatch, capsys):
    monkeypatch.setattr(launcher.time, "sleep", lambda _seconds: None)
    servers, stop = Servers(), StopRequest()
    first = servers.start(SLEEPER, {}, None)
    first.kill()
    first.wait()
    restarted = []

    def stop_once_restarted() -> None:
        while not restarted:
            restarted.extend(p for p in servers.processes if p.pid != first.pid and p.poll() is None)
        stop.requested = True

    watcher = threading.Thread(target=stop_once_restarted)
    watcher.start()
    try:
        assert supervise(servers, stop) == 0
    finally:
        watcher.join(timeout=10)
        servers.stop()
    assert restarted[0].args == SLEEPER and first not in servers.processes
    assert "запускаю его снова" in capsys.readouterr().out


def test_a_process_that_keeps_dying_stops_everything(monkeypatch, capsys):
    monkeypatch.setattr(launcher.time, "sleep", lambda _seconds: None)
    servers = Servers()
    servers.start(CRASHER, {}, None)
    try:
        assert supervise(servers, StopRequest()) == 1
    finally:
        servers.stop()
    out = capsys.readouterr().out
    assert out.count("запускаю его снова") == launcher.MAX_RESTARTS and "останавливаю остальные" in out
