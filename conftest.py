pytest_plugins = ["engine.testing"]
