"""The values safeguarding screening speaks in: levels, categories and an assessment."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """How worried screening is about a message, ordered none < concern < urgent.

    A StrEnum would otherwise compare alphabetically ("concern" < "none"), so the
    comparisons are defined by rank instead.
    """

    NONE = "none"
    CONCERN = "concern"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        """Position in the order none < concern < urgent."""
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    # Comparisons are overridden above; equality and hashing stay those of str so a
    # Level still equals its value ("urgent") and works as a dict key beside plain str.
    __hash__ = str.__hash__


_RANKS = {Level.NONE: 0, Level.CONCERN: 1, Level.URGENT: 2}

# Every category a rule may name; a rules file naming another one is rejected at load.
CATEGORIES: frozenset[str] = frozenset(
    {
        "self_harm_suicide",
        "physical_abuse",
        "sexual_abuse",
        # Added beside the brief's list: being called worthless or screamed at by the
        # adults at home is a worry an IRO should hear about, but it is not physical abuse.
        "emotional_abuse",
        "exploitation",
        "neglect",
        "domestic_abuse",
        "missing_or_running_away",
        "homelessness",
        "threats_or_immediate_danger",
        "substance_misuse",
        "bullying",
        "low_mood",
        # Also beyond the brief's list: the milder worries children in care raise most,
        # which an IRO must hear about but which fit no harm category (an unhappy
        # placement, cancelled family contact, a social worker who never calls back;
        # skipping school, exclusion, fights, trouble with the police).
        "placement_and_contact",
        "school_and_behaviour",
    }
)


@dataclass(frozen=True)
class Assessment:
    """The outcome of screening one message.

    Attributes:
        level: The highest level among the matched rules, or none.
        categories: The matched rules' categories, sorted and unique.
        rules: The ids of the matched rules, sorted and unique. Ids come from the rule
            files only, never from the message, so they are safe to log.
    """

    level: Level = Level.NONE
    categories: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, object]:
        """Return the level and categories as a JSON-ready dict (rule ids left out)."""
        return {"level": str(self.level), "categories": list(self.categories)}
