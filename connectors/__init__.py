"""Channels of our own, next to Rasa's built-in REST, socket.io (web chat) and Telegram.

Every Rasa server of the project loads its channels from credentials.yml, so importing this package is where such a
server first runs the project's code: it puts Rasa's check of the action server's answers in place with a
validator built once (engine/action_validation.py)."""

from engine.action_validation import install

install()
