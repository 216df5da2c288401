"""The core's actions (`actions/core`). Importing this package loads nothing else: the action server's entry
module, `engine.action_server`, loads the core and every enabled skill."""
