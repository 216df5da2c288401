"""Trains a model only when what it is trained from changed (the build's fingerprint names the model file)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import List, Optional

from engine.build import BUILD_DIR, BuildOutput, build
from engine.messages import say
from engine.runtime import MODELS_DIR, rasa_executable, server_environment
from engine.settings import PROJECT_ROOT, Settings, settings
from engine.skills.discovery import enabled_packages


class TrainingFailed(RuntimeError):
    pass


def model_path(output: BuildOutput, models_dir: Path, config_file: Path) -> Path:
    """The model's file name carries the fingerprint of the build and of the pipeline configuration."""
    config_hash = hashlib.sha256(config_file.read_bytes()).hexdigest()[:8]
    return models_dir / f"assistant-{output.fingerprint}{config_hash}.tar.gz"


def train_command(output: BuildOutput, models_dir: Path, config_file: Path) -> List[str]:
    """`rasa train` without its own validation of the data: `make check` (run before `make test`) validates the same
    build with warnings as errors; here it would cost about 10 s of every training (bench/README.md)."""
    return [
        rasa_executable(),
        "train",
        "--skip-validation",
        "--config",
        str(config_file),
        "--domain",
        str(output.domain),
        "--data",
        str(output.data),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        model_path(output, models_dir, config_file).name[: -len(".tar.gz")],
    ]


def ensure_model(
    config: Optional[Settings] = None,
    force: bool = False,
    models_dir: Path = MODELS_DIR,
    config_file: Path = PROJECT_ROOT / "config.yml",
    build_dir: Path = BUILD_DIR,
) -> Path:
    """Builds, then trains unless a model for exactly this build already exists. Returns the model file."""
    config = config or settings()
    output = build(enabled_packages(config), build_dir)
    target = model_path(output, models_dir, config_file)
    if target.exists() and not force:
        print(say("model_current", target=target))
        return target
    print(say("training", packages=", ".join(output.packages)), flush=True)
    result = subprocess.run(
        train_command(output, models_dir, config_file),
        cwd=PROJECT_ROOT,
        env=server_environment(config, 5055),
        check=False,
    )
    if result.returncode != 0 or not target.exists():
        raise TrainingFailed(f"rasa train failed with exit code {result.returncode}")
    for stale in models_dir.glob("assistant-*.tar.gz"):
        if stale != target:
            stale.unlink()
    return target
