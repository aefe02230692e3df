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

# A parent's or carer's own worries, which are not a risk to the child: fear about the plan
# (removal, contact) and conflict with the service. They never raise the level, but they
# decide which words a parent gets back.
PARENT_CATEGORIES: frozenset[str] = frozenset({"worry_about_plan", "conflict_with_service"})

# Who may write to My Say, as screening needs to know it.
AUTHORS: frozenset[str] = frozenset({"child", "parent", "carer"})


@dataclass(frozen=True)
class ScreeningContext:
    """What screening knows about a message besides its words.

    Attributes:
        author: Who wrote it: child, parent or carer. A parent's "they'll take my son
            away" is fear of the plan, not a threat to a child.
        age_band: The child's age band (`under_8`, `8_to_12`, `13_plus`), when known.
        question: The wording of the question being answered, when there is one; it
            goes into the alert so the reader knows what the child was asked.
        language: The language the person was answering in (their run's); the English
            layers cannot read another, so its lexicon screens it (`lexicons`).
    """

    author: str = "child"
    age_band: str | None = None
    question: str | None = None
    language: str = "en"

    @property
    def is_parent(self) -> bool:
        """Tell whether a parent or carer wrote the message."""
        return self.author in ("parent", "carer")


@dataclass(frozen=True)
class Assessment:
    """The outcome of screening one message.

    Attributes:
        level: The highest level any layer of screening found, or none.
        categories: The categories found, sorted and unique.
        rules: Why, as sorted unique ids: a rule's id (`physical.hurt_by_someone`), or
            `classifier.<category>` when the learned classifier raised the level, or
            `uncertain.classifier` when it was unsure and asked a person to read it.
            Ids come from the rule files and the model, never from the message, so they
            are safe to log and to show in an alert.
    """

    level: Level = Level.NONE
    categories: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, object]:
        """Return the level and categories as a JSON-ready dict (rule ids left out)."""
        return {"level": str(self.level), "categories": list(self.categories)}
