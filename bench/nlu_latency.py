"""Load time of the current model, then its parse latency over the held-out messages (median, p95)."""

import asyncio
import statistics
import time

from engine.build import BUILD_DIR
from engine.evaluate import holdout_examples, load_agent
from engine.training import ensure_model


async def main() -> None:
    model = ensure_model()
    started = time.perf_counter()
    agent = load_agent(model)
    print(f"model loaded in {time.perf_counter() - started:.1f} s")
    texts = [text for text, _, _ in holdout_examples(BUILD_DIR / "tests" / "nlu")]
    await agent.parse_message(texts[0])  # warm-up
    timings = []
    for text in texts:
        started = time.perf_counter()
        await agent.parse_message(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{len(timings)} messages: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
