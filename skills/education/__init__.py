"""Preview of the education skill: its intents are recognised, the engine answers them until the skill ships."""
