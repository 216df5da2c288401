"""Preview of the governance skill: its intents are recognised, the engine answers them until the skill ships."""
