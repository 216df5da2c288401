"""The action server's package: `rasa run actions --actions actions` serves the core and the enabled skills."""

from actions.host import load_actions, served_packages

load_actions(list(served_packages()))
