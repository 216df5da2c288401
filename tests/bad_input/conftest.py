"""Hypothesis profiles of the property tests in this folder.

"ci" (loaded when $CI is set, as .ci/run runs, or by HYPOTHESIS_PROFILE=ci) is deterministic: the examples are
derived from each test itself (`derandomize`), so a run fails or passes the same way every time. "dev" draws new
examples on every run, to keep finding new cases while editing. Both try few examples and set no deadline (a
slow machine must not fail a test), and neither keeps an example database. Hypothesis's own caches go to the
temporary directory rather than into the work tree (as pytest's do not go there: `-p no:cacheprovider`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-city-assistant")

COMMON = {
    "max_examples": 60,
    "deadline": None,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}

settings.register_profile("ci", derandomize=True, **COMMON)
settings.register_profile("dev", **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
