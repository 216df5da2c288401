"""Conversations of the skill «Кооператив услуг», one module per conversation; the logic lives one level up."""
