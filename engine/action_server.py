"""The module the action server serves: `rasa run actions --actions engine.action_server`.

rasa-sdk registers every `Action` subclass imported in the process, so importing this module is what loads the
core's and every enabled skill's actions (and only theirs), each guarded; that import is its whole purpose.
"""

from engine.skills.loader import load_actions, served_packages

SERVED = load_actions(list(served_packages()))
