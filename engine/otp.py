"""Delivery of one-time codes. The sender is pluggable (`code_sender` setting); the built-in one only logs."""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

from engine.settings import settings

logger = logging.getLogger(__name__)


class CodeSender(Protocol):
    """Sends a one-time code to a phone number (an SMS gateway, a voice call...)."""

    def send(self, phone: str, code: str) -> None: ...


class DevelopmentLogSender:
    """Writes the code to the log instead of sending it. For development only: nothing reaches a phone."""

    def send(self, phone: str, code: str) -> None:
        logger.warning("DEVELOPMENT CODE SENDER (no SMS is sent): one-time code for %s is %s", phone, code)


def code_sender() -> CodeSender:
    """The sender named by the settings."""
    module_name, _, class_name = settings().code_sender.rpartition(".")
    sender_class = getattr(importlib.import_module(module_name), class_name)
    return sender_class()
