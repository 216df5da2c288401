"""Races for tests: the same work in many threads released together, and a meeting that makes them all read
before any of them writes."""

from __future__ import annotations

import threading
from contextlib import suppress
from typing import Any, Callable, List, Sequence, TypeVar

import pytest

RACE_SECONDS = 60  # how long `at_once` waits for its threads before it fails the test

T = TypeVar("T")


def at_once(work: Callable[[Any], T], inputs: Sequence[Any]) -> List[T]:
    """`work(input)` for every input, each in a thread of its own, all released together; the results in the
    inputs' order. The first exception a thread raised is raised here, so a failing thread fails the test instead
    of vanishing with its thread. To make the threads also meet inside `work` (every one reads before any
    writes), wrap the read with `meeting_after`."""
    start = threading.Barrier(len(inputs))
    results: List[Any] = [None] * len(inputs)
    errors: List[BaseException] = []

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = work(inputs[n])
        except BaseException as error:  # pytest.fail and skip are BaseExceptions too
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_SECONDS)
    if errors:
        raise errors[0]
    if any(thread.is_alive() for thread in threads):
        pytest.fail(f"a thread of the race was still running after {RACE_SECONDS} s")
    return results


def meeting_after(function: Callable[..., T], parties: int, seconds: float = 1.0) -> Callable[..., T]:
    """`function` that, once it has returned, waits up to `seconds` for `parties` calls in all to get that far:
    monkeypatched over the read a race is about, it makes every thread of `at_once` read before any of them
    writes. When a lock keeps the others from getting there (SQLite's write lock, a row lock), the meeting breaks
    after `seconds`, stays broken, and the calls go on one after another — the lock did its job."""
    meeting = threading.Barrier(parties)

    def then_meet(*args: Any, **kwargs: Any) -> T:
        result = function(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):
            meeting.wait(timeout=seconds)
        return result

    return then_meet
