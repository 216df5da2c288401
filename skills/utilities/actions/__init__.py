"""Actions of the skill «ЖКУ», one module per conversation."""
