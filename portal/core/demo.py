"""Shared plumbing for `manage.py load_demo`: each app contributes a step."""

from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """What the steps share: where to report progress and what earlier steps made."""

    password: str
    stdout: object
    style: object
    made: dict = field(default_factory=dict)

    def say(self, message):
        self.stdout.write(f"  {message}")
