"""What every step of the demo load is given; its own module so the steps need not import the loader."""
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class DemoContext:
    """What every step may use. Steps share one random generator, so the whole demo follows from the seed."""

    areas: int
    seed: int
    rng: random.Random
    #: one Argon2 hash of DEMO_PASSWORD for every demo person (hashing 2,000 times would take minutes)
    password_hash: str
    #: person id by email, filled by load_people, for steps that place the demo logins
    people: dict[str, int] = field(default_factory=dict)


Step = Callable[[DemoContext], str]
