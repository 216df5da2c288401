"""The numerics pins that make a model reproducible across machines (engine/runtime.py NUMERICS_ENV)."""

import re

from engine.runtime import NUMERICS_ENV, server_environment
from engine.settings import PROJECT_ROOT, load_settings


def test_every_server_and_training_gets_the_pins(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    env = server_environment(load_settings(), 5055, base={})
    assert {name: env[name] for name in NUMERICS_ENV} == {
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        "TF_NUM_INTRAOP_THREADS": "2",
        "TF_NUM_INTEROP_THREADS": "2",
    }


def test_an_operator_can_override_a_pin(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    env = server_environment(load_settings(), 5055, base={"TF_NUM_INTRAOP_THREADS": "8"})
    assert env["TF_NUM_INTRAOP_THREADS"] == "8"
    assert env["ONEDNN_MAX_CPU_ISA"] == "AVX2"


def test_the_makefile_exports_the_same_pins():
    """make test and make evaluate load models in their own process too: the same numerics as the servers'."""
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    exported = dict(re.findall(r"^export (ONEDNN_\w+|TF_NUM_\w+) \?= (\S+)$", makefile, re.MULTILINE))
    assert exported == NUMERICS_ENV
