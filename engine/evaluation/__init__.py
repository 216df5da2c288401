"""The parts of the NLU evaluation (engine/evaluate.py runs it): scores, confusions, the fallback trade-off and
the console text."""
