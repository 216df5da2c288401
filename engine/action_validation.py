"""Rasa checks every answer of the action server against a JSON schema (`RemoteAction._validate_action_result`)
with `jsonschema.validate`, which checks the schema itself and builds a new validator on every call: about 70 ms
of a ~230 ms turn on this machine (bench/turn_profile.py), half the time of a turn. The schema is a constant, so
its validator is built once here; an invalid answer is still refused with the same error Rasa raises."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import exceptions, validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa's own check with a validator built once: True, or the best-matching ValidationError raised."""
    error = exceptions.best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
        f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Puts the cached check in place of Rasa's in this process (the Rasa server imports `connectors`)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
