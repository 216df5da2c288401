"""Actions of the utilities skill, one module per conversation."""
