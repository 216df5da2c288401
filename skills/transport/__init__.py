"""Preview of the transport skill: its intents are recognised, the engine answers them until the skill ships."""
