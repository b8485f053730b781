"""What the steps of `manage.py load_demo` share."""

from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """Where to report progress and what earlier steps made."""

    password: str
    stdout: object
    style: object
    made: dict = field(default_factory=dict)

    def say(self, message):
        self.stdout.write(f"  {message}")
