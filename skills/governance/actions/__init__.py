"""Actions of the governance skill, one module per conversation."""
