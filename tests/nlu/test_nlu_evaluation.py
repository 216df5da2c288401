"""NLU quality on the two held-out splits the model never saw (see docs/skills.md, section 7).

- The trainers' own split (tests/core/nlu, skills/*/tests/nlu): intent accuracy 0.96 and entity F1 0.95, a point
  and two under what the model reaches on it (0.971 and 0.970 on 785 examples, 2026-12-06, sixth session).
- The split written apart from the training data by someone who saw only the NLU contract (tests/core/nlu_apart,
  skills/*/tests/nlu_apart): intent accuracy 0.96 and entity F1 0.90, a point and two under what the model
  reaches on it (0.971 and 0.926 on 970 examples, 2026-12-06, sixth session; retraining on slightly changed data
  moved these by half a point of intents and a point of entities that session). This is the split that tells
  how residents' own words are read; the gap between the two is the training data's habits. Training data was
  written for its confusions since (docs/training.md «Working from the confusions»), so it reads a little better
  than residents' unseen words would.

A real regression (a broken component, a lost lemma, mislabelled data) fails the run while the noise of retraining
does not. results/nlu_report.json and results/nlu_apart_report.json list every miss for trainers.
"""

from pathlib import Path

import pytest

from engine.build import BUILD_DIR
from engine.evaluate import evaluate, summary

SPLITS = {
    # split: (folder under build/tests, report, minimal intent accuracy, minimal entity F1, minimal examples)
    "own": ("nlu", "nlu_report.json", 0.96, 0.95, 700),
    "apart": ("nlu_apart", "nlu_apart_report.json", 0.96, 0.90, 900),
}


@pytest.mark.slow
@pytest.mark.parametrize("split", sorted(SPLITS))
def test_held_out_nlu_quality(trained_agent, split):
    folder, report_name, min_accuracy, min_entity_f1, min_examples = SPLITS[split]
    report = evaluate(trained_agent, BUILD_DIR / "tests" / folder, Path("results"), report_name)
    print(f"\n{split}: " + summary(report))
    assert report.examples >= min_examples
    assert report.intent_accuracy >= min_accuracy, summary(report)
    assert report.entity_total().f1 >= min_entity_f1, summary(report)
