"""What a skill's staff command (`python -m skills.<name>.admin`) prints: Russian texts from the skill's
`admin_messages.yml`, never from Python."""

from __future__ import annotations

from typing import Any, TextIO

from engine.lexicon import skill_lexicon


class StaffMessages:
    """The texts of `admin_messages.yml` beside `skill_file`, by key; `say` prints one filled with values."""

    def __init__(self, skill_file: str, file_name: str = "admin_messages.yml") -> None:
        self.texts = skill_lexicon(skill_file, file_name)

    def __getitem__(self, key: str) -> Any:
        return self.texts[key]

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def say(self, out: TextIO, key: str, **values: Any) -> None:
        print(self.texts[key].format(**values), file=out)
