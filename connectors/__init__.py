"""Channels of our own, next to Rasa's built-in REST, socket.io (web chat) and Telegram."""
