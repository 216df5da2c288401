"""Rasa test stories of the core and of every enabled skill; any wrong prediction fails the run.

They run in-process on the session's loaded model through Rasa's own evaluation (`rasa test core` calls the
same function), so the model is not loaded a second time.
"""

import asyncio
import json

import pytest
from rasa.core.test import test as evaluate_stories

from engine.build import BUILD_DIR


@pytest.mark.slow
def test_all_test_stories_pass(trained_agent, tmp_path):
    asyncio.run(
        evaluate_stories(
            str(BUILD_DIR / "tests" / "stories"),
            trained_agent,
            out_directory=str(tmp_path),
            disable_plotting=True,
        )
    )
    conversations = json.loads((tmp_path / "story_report.json").read_text(encoding="utf-8"))[
        "conversation_accuracy"
    ]
    failed = (tmp_path / "failed_test_stories.yml").read_text(encoding="utf-8")
    assert conversations["total"] >= 30
    assert conversations["correct"] == conversations["total"], failed
