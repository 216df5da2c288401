"""NLU components that read a file the build assembles from the skills' manifests (`build/*.yml`).

The file is read when the model is trained and kept inside the model, so that a model never depends on the build
folder; its content is part of the component's fingerprint, so that a changed vocabulary retrains it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, ClassVar, Dict, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.morphology import source_fingerprint


class BuildFileComponent(GraphComponent):
    """A component configured with `config_key: build/<file_name>`; `from_raw` turns the file's content into
    whatever the subclass works with (`self.raw` keeps the content for the model)."""

    config_key: ClassVar[str]
    file_name: ClassVar[str]

    @classmethod
    def get_default_config(cls) -> Dict[Text, Any]:
        return {cls.config_key: f"build/{cls.file_name}"}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        path = Path(config.get(cls.config_key) or "")
        content = path.read_bytes() if path.is_file() else b""
        return source_fingerprint() + hashlib.sha256(content).hexdigest()

    def __init__(
        self, config: Dict[Text, Any], raw: Dict[str, Any], storage: ModelStorage, resource: Resource
    ) -> None:
        self._config = config
        self.raw = raw
        self._storage = storage
        self._resource = resource

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> BuildFileComponent:
        path = Path(config[cls.config_key])
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(config, raw or {}, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> BuildFileComponent:
        with model_storage.read_from(resource) as directory:
            raw = yaml.safe_load((directory / cls.file_name).read_text(encoding="utf-8"))
        return cls(config, raw or {}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        with self._storage.write_to(self._resource) as directory:
            (directory / self.file_name).write_text(
                yaml.safe_dump(self.raw, allow_unicode=True), encoding="utf-8"
            )
        return self._resource
