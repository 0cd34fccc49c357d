"""Run ids and friendly run names in the W&B style (``brisk-river-12``)."""
from __future__ import annotations

from random import SystemRandom

# secrets.choice and randbelow are SystemRandom's: without importing secrets (its base64
# and hmac) and string, 1.2 ms of every recording script (issue 12).
_SYSTEM = SystemRandom()
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
ADJECTIVES = (
    "amber", "bold", "brisk", "calm", "clever", "cosmic", "crisp", "dainty", "dashing",
    "denim", "eager", "ethereal", "fancy", "fiery", "fluent", "gentle", "glad", "golden",
    "hardy", "honest", "icy", "jolly", "keen", "lively", "lucky", "mellow", "misty",
    "noble", "olive", "proud", "quiet", "rapid", "rosy", "royal", "serene", "sleek",
    "smooth", "snowy", "solar", "spring", "stellar", "sunny", "swift", "tidy", "vivid",
    "warm", "wise", "young", "zesty",
)
NOUNS = (
    "aurora", "bird", "breeze", "brook", "butterfly", "cloud", "comet", "dawn", "dew",
    "dream", "dust", "feather", "field", "fire", "firefly", "flower", "fog", "forest",
    "frog", "frost", "galaxy", "glade", "grass", "haze", "hill", "lake", "leaf", "meadow",
    "moon", "morning", "mountain", "night", "ocean", "paper", "pine", "planet", "pond",
    "rain", "river", "sea", "shadow", "sky", "smoke", "snow", "sound", "star", "sun",
    "sunset", "thunder", "tree", "violet", "water", "wave", "wind", "wood",
)

_ADJECTIVE_SET, _NOUN_SET = frozenset(ADJECTIVES), frozenset(NOUNS)


def new_run_id() -> str:
    return "".join(_SYSTEM.choice(_ALPHABET) for _ in range(8))


def friendly_number(name: str | None) -> int | None:
    """The number of a name ``friendly_name`` made (``brisk-river-12``: 12), else None."""
    adjective, _, rest = (name or "").partition("-")
    noun, _, number = rest.partition("-")
    if adjective in _ADJECTIVE_SET and noun in _NOUN_SET and number.isdigit() \
            and number.isascii():
        return int(number)
    return None


def friendly_name(number: int, seed: int | None = None) -> str:
    pick = seed if seed is not None else _SYSTEM.randrange(1 << 30)
    return f"{ADJECTIVES[pick % len(ADJECTIVES)]}-{NOUNS[(pick // 7) % len(NOUNS)]}-{number}"
