"""Delivery of one-time codes. The sender is pluggable (`code_sender` setting); the built-in one is for
development only and sends nothing."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Protocol

from engine.log_masking import masked_phone
from engine.settings import PROJECT_ROOT, require_development_mode, settings

logger = logging.getLogger(__name__)

DEVELOPMENT_OUTBOX = PROJECT_ROOT / "var" / "development-codes.txt"


class CodeSender(Protocol):
    """Sends a one-time code to a phone number (an SMS gateway, a voice call...)."""

    def send(self, phone: str, code: str) -> None: ...


def mask_phone(phone: str) -> str:
    """+79123456789 -> +7 912 ***-**-89: what a resident is shown of their number, enough to recognise, not enough
    to leak. Logs hide the area code too (engine.log_masking, the same helper)."""
    return masked_phone(phone, show_area_code=True) or phone[:3] + "***"


class DevelopmentLogSender:
    """Sends nothing: writes the code to var/development-codes.txt (readable by its owner only), where the
    developer running `make run` reads it. The log names only the masked phone and where the code is."""

    def __init__(self, outbox: Path = DEVELOPMENT_OUTBOX) -> None:
        self.outbox = outbox

    def send(self, phone: str, code: str) -> None:
        self.outbox.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.outbox, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as outbox:
            outbox.write(f"{mask_phone(phone)} {code}\n")
        logger.warning(
            "DEVELOPMENT CODE SENDER (no SMS is sent): the code for %s is in %s",
            masked_phone(phone) or mask_phone(phone),
            self.outbox,
        )


def code_sender() -> CodeSender:
    """The sender named by the settings; the development one only in development mode."""
    require_development_mode(settings(), "code_sender")
    module_name, _, class_name = settings().code_sender.rpartition(".")
    sender_class = getattr(importlib.import_module(module_name), class_name)
    return sender_class()
