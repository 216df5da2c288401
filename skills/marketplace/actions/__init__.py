"""Conversations of the marketplace skill, one module per conversation; the logic lives one level up."""
