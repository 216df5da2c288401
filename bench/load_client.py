"""The simulated residents of the load benchmark and the memory and CPU sampling of the servers' processes.

Residents are closed-loop: each has its own sender and sends the next message of its conversation only once the
answer to the previous one arrived. A resident that finishes its conversation starts a new one as a new sender
(residents write short conversations; a tracker does not grow for the whole run). Every latency that completes
inside the measured window counts; the warm-up's do not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import aiohttp

REQUEST_TIMEOUT_SECONDS = 120
SAMPLE_EVERY_SECONDS = 0.5
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Outcome:
    """What the residents of one point saw inside the measured window."""

    latencies_ms: List[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    no_answer: int = 0  # HTTP 200 with an empty list: the bot said nothing
    answers: Dict[str, str] = field(default_factory=dict)  # the first answer seen to each message


@dataclass(frozen=True)
class Window:
    warm_until: float  # time.monotonic() at which measuring starts
    until: float  # and ends


async def _send(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> Tuple[bool, str, str]:
    """(answered, error kind or "", the bot's first text)."""
    try:
        async with session.post(url, json={"sender": sender, "message": message}) as reply:
            body = await reply.json(content_type=None)
            if reply.status != 200 or not isinstance(body, list):
                return False, f"HTTP {reply.status}", ""
            texts = [m.get("text") or ("[image]" if m.get("image") else "") for m in body]
            return True, "", " | ".join(t for t in texts if t)
    except asyncio.TimeoutError:
        return False, "timeout", ""
    except (aiohttp.ClientError, ValueError) as error:
        return False, type(error).__name__, ""


async def resident(
    session: aiohttp.ClientSession,
    url: str,
    name: str,
    script: Sequence[str],
    window: Window,
    outcome: Outcome,
) -> None:
    conversation = 0
    while True:
        sender = f"{name}-c{conversation}"
        for message in script:
            if time.monotonic() >= window.until:
                return
            started = time.perf_counter()
            answered, error, text = await _send(session, url, sender, message)
            elapsed_ms = (time.perf_counter() - started) * 1000
            finished = time.monotonic()
            if not window.warm_until <= finished < window.until:
                continue
            if not answered:
                outcome.errors[error] += 1
                continue
            outcome.latencies_ms.append(elapsed_ms)
            if not text:
                outcome.no_answer += 1
            outcome.answers.setdefault(message, text[:160])
        conversation += 1


async def run_residents(
    url: str, count: int, script: Sequence[str], tag: str, warm_up: float, seconds: float
) -> Outcome:
    """`count` residents talk to `url` for `warm_up` + `seconds`; the latencies of the last `seconds`."""
    outcome = Outcome()
    now = time.monotonic()
    window = Window(warm_until=now + warm_up, until=now + warm_up + seconds)
    connector = aiohttp.TCPConnector(limit=count, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(
            *(resident(session, url, f"{tag}-r{n}", script, window, outcome) for n in range(count))
        )
    return outcome


# The processes of a profile: every descendant of the process the benchmark started, by role.


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _stat(pid: int) -> Tuple[int, int]:
    """(parent pid, CPU ticks used: user + system) of a process; (-1, 0) if it is gone."""
    raw = _read(f"/proc/{pid}/stat")
    if not raw:
        return -1, 0
    fields = raw[raw.rfind(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _rss_kib(pid: int) -> int:
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _cmdline(pid: int) -> List[str]:
    return [part for part in _read(f"/proc/{pid}/cmdline").split("\0") if part]


def descendants(root: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            parent, _ = _stat(int(entry))
            children.setdefault(parent, []).append(int(entry))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue += children.get(pid, [])
    return found


def base_role(command: List[str]) -> str:
    joined = " ".join(command)
    if not command:
        return "gone"
    if "haproxy" in command[0]:
        return "haproxy"
    if "resource_tracker" in joined or "semaphore_tracker" in joined:
        return "multiprocessing helper"
    if "notifier" in command:
        return "notifier"
    if "run" in command and "actions" in command:
        return "action server"
    if any(part.endswith("/rasa") for part in command) and "run" in command:
        return "rasa server"
    if "bench/serve.py" in joined:
        return "launcher"
    return Path(command[0]).name


def roles(root: int) -> Dict[int, str]:
    """The role of every process in the tree. A process forked from one of the same role (Sanic's workers have
    their parent's command line) is that role's worker; with workers, the parent only supervises them."""
    pids = descendants(root)
    commands = {pid: _cmdline(pid) for pid in pids}
    found: Dict[int, str] = {}
    for pid in pids:
        role = base_role(commands[pid])
        parent, _ = _stat(pid)
        if parent in commands and base_role(commands[parent]) == role and role != "gone":
            role += " worker"
        found[pid] = role
    for pid, role in list(found.items()):
        if not role.endswith(" worker") and any(
            other == f"{role} worker" and _stat(p)[0] == pid for p, other in found.items()
        ):
            found[pid] = f"{role} (main)"
    return {pid: role for pid, role in found.items() if role != "gone"}


def shared_services() -> Dict[int, str]:
    """The machine's PostgreSQL, Redis and RabbitMQ processes (the cluster profile's stateful services; other
    users of the machine share them)."""
    names = {
        "postgres": "postgresql (shared)",
        "redis-server": "redis (shared)",
        "beam.smp": "rabbitmq (shared)",
    }
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            command = _cmdline(int(entry))
            if command:
                name = Path(command[0].split()[0]).name.rstrip(":")
                if name in names:
                    found[int(entry)] = names[name]
    return found


@dataclass
class Sampler:
    """Samples RSS of the tree every half second while it runs; CPU per role (percent of one core) over the whole run."""

    root: int
    extra: Callable[[], Dict[int, str]] = dict
    samples: List[Tuple[float, str, int, int]] = field(default_factory=list)
    cpu_start: Dict[int, Tuple[str, int]] = field(default_factory=dict)
    cpu_percent: Dict[str, float] = field(default_factory=dict)
    started: float = 0.0
    client_cpu_start: float = 0.0

    def _processes(self) -> Dict[int, str]:
        return {**roles(self.root), **self.extra()}

    def _cpu(self) -> Dict[int, Tuple[str, int]]:
        return {pid: (role, _stat(pid)[1]) for pid, role in self._processes().items()}

    async def run(self, stop: asyncio.Event) -> None:
        self.started = time.monotonic()
        self.cpu_start = self._cpu()
        self.client_cpu_start = _own_cpu()
        while not stop.is_set():
            moment = round(time.monotonic() - self.started, 2)
            for pid, role in self._processes().items():
                kib = _rss_kib(pid)
                if kib:
                    self.samples.append((moment, role, pid, kib))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_SECONDS)
        self._finish_cpu()

    def _finish_cpu(self) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        used: Dict[str, float] = {}
        for pid, (role, ticks) in self._cpu().items():
            before = self.cpu_start.get(pid, (role, 0))[1]  # a process started meanwhile counts from 0
            used[role] = used.get(role, 0.0) + (ticks - before) / CLOCK_TICKS
        used["load client (this process)"] = _own_cpu() - self.client_cpu_start
        self.cpu_percent = {role: round(100 * seconds / elapsed, 1) for role, seconds in sorted(used.items())}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def snapshot(
    root: int, extra: Optional[Iterable[Tuple[int, str]]] = None
) -> List[Tuple[float, str, int, int]]:
    """One RSS sample of the tree (idle memory before the load)."""
    processes = {**roles(root), **dict(extra or [])}
    return [(0.0, role, pid, _rss_kib(pid)) for pid, role in processes.items() if _rss_kib(pid)]
