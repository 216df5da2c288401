"""A voice-assistant channel: text in, one speakable answer out (buttons become spoken choices).

POST /webhooks/voice/webhook {"user_id": "...", "text": "...", "timezone": "Europe/Moscow"}
→ {"text": "...", "choices": ["...", "..."]}
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from engine.sdk import phrase
from engine.skills.discovery import core_package


@lru_cache(maxsize=1)
def core_domain() -> Dict[str, Any]:
    """The core's domain fragment (domain/domain.yml): the words of spoken choices are its responses."""
    return core_package().domain


def spoken_choices(choices: List[str], domain: Optional[Dict[str, Any]] = None) -> str:
    """The buttons' titles as one sentence to say aloud (responses `utter_voice_choice*`)."""
    domain = domain or core_domain()
    separator = phrase(domain, "utter_voice_choice_separator")
    said = separator.join(phrase(domain, "utter_voice_choice", choice=choice) for choice in choices)
    return phrase(domain, "utter_voice_choices", choices=said)


def speakable(messages: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Joins the bot's messages into one utterance; button titles become choices said aloud."""
    texts: List[str] = []
    choices: List[str] = []
    for message in messages:
        if message.get("text"):
            texts.append(message["text"])
        choices += [button["title"] for button in message.get("buttons") or []]
    if choices:
        texts.append(spoken_choices(choices))
    return {"text": " ".join(texts), "choices": choices}


class VoiceInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "voice"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("voice_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body: Optional[Dict[str, Any]] = request.json if isinstance(request.json, dict) else None
            if not body or not body.get("user_id") or not isinstance(body.get("text"), str):
                return response.json({"error": "expected JSON with 'user_id' and 'text'"}, status=400)
            collector = CollectingOutputChannel()
            metadata = {"timezone": body["timezone"]} if body.get("timezone") else None
            await on_new_message(
                UserMessage(
                    body["text"],
                    collector,
                    str(body["user_id"]),
                    input_channel=self.name(),
                    metadata=metadata,
                )
            )
            return response.json(speakable(collector.messages))

        return hook
