"""Load, check and run the safeguarding rules kept as YAML data in `safeguarding_rules/`.

The folder holds three kinds of file:

- `normalisation.yaml`: the text-speak word map, phrase map and real double-letter words;
- `fragments.yaml`: named pieces of pattern (`{hit}`, `{child}` ...) shared by rules;
- every other `*.yaml`: a list of rules.

A rule matches when one of its patterns is found in the normalised text and none of its
`unless` patterns is found in the few words around that match. The `unless` patterns
are how idioms ("this homework is killing me"), stories ("in the film he ...") and
negations ("nobody hits me") cancel a match without hiding a real disclosure elsewhere
in the same message. A rule's `unless_after` patterns look further, but only forwards:
the match and up to twenty words after it, which is where a child says a sadness passed
("I get sad when I visit mum and have to leave, but I'm ok").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from importlib.resources.abc import Traversable
from itertools import chain

import yaml

from conversations.safeguarding.model import AUTHORS, CATEGORIES, Assessment, Level
from conversations.safeguarding.normalise import (
    Normaliser,
    SpellingMender,
    WordList,
    english_words,
)
from conversations.safeguarding.patterns import (
    PatternError,
    check_pattern,
    check_repeats,
    word_lists_as_tries,
)
from conversations.yaml_files import read_yaml

SPEC_VERSION = 1
NORMALISATION_FILE = "normalisation.yaml"
FRAGMENTS_FILE = "fragments.yaml"
# How many words either side of a match an `unless` pattern may look at: enough for
# "in the film he kills himself", small enough that "in the film" three sentences
# earlier cannot cancel a disclosure.
WINDOW_WORDS = 6
# How many words after a match an `unless_after` pattern may look at (with the match).
AFTER_WORDS = 20

_RULE_KEYS = frozenset(
    {"id", "category", "level", "patterns", "unless", "unless_after", "why", "authors"}
)
_REQUIRED_RULE_KEYS = ("id", "category", "level", "patterns")
# Ids have no spaces, so no message of two words or more can ever appear inside one.
_RULE_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z0-9_]+")
_FRAGMENT_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FRAGMENT_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_PLAIN_WORDS = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
# The words of four letters or more in a fragment, which misspellings are mended towards.
_PATTERN_WORD = re.compile(r"[a-z]{4,}")


class RulesError(ValueError):
    """A safeguarding rules file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    """One compiled rule: patterns that flag a category at a level, and what cancels them."""

    id: str
    category: str
    level: Level
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    # Who the rule reads: "I'm scared" is a child's worry, but a parent's fear of the plan.
    authors: frozenset[str] = AUTHORS
    # Cancels a match from the match and the words after it ("..., but I'm ok now").
    unless_after: re.Pattern[str] | None = None

    def check(self, text: str) -> Hit:
        """Tell whether a pattern matches normalised `text` with no `unless` near it.

        A pattern that matched only where an `unless` cancelled it is an idiom, a story or
        a negation the rule recognised ("this homework is killing me").
        """
        hit = Hit.NONE
        for match in self.pattern.finditer(text):
            if not self._cancelled(text, match.start(), match.end()):
                return Hit.MATCHED
            hit = Hit.CANCELLED
        return hit

    def _cancelled(self, text: str, start: int, end: int) -> bool:
        """Tell whether an `unless` near the match, or an `unless_after` after it, cancels it."""
        if self.unless is not None and self.unless.search(_window(text, start, end)):
            return True
        return self.unless_after is not None and bool(
            self.unless_after.search(text[start : _words_after(text, end, AFTER_WORDS)])
        )


class Hit(Enum):
    """What one rule made of a message."""

    NONE = "none"
    MATCHED = "matched"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Findings:
    """What the rules made of a message: the assessment, and whether they saw an idiom."""

    assessment: Assessment
    recognised_idiom: bool


@dataclass(frozen=True)
class RuleSet:
    """Normalise a message and run every rule over it."""

    normalise: Normaliser
    rules: tuple[Rule, ...]

    def assess(self, text: str, author: str = "child") -> Assessment:
        """Screen one message with the rules alone."""
        return self.match(self.normalise(text), author).assessment

    def match(self, normalised: str, author: str) -> Findings:
        """Run the rules that read `author`'s words over normalised text."""
        hits = [(rule, rule.check(normalised)) for rule in self.rules if author in rule.authors]
        matched = [rule for rule, hit in hits if hit is Hit.MATCHED]
        idiom = any(hit is Hit.CANCELLED for _, hit in hits)
        if not matched:
            return Findings(Assessment(), idiom)
        assessment = Assessment(
            level=max(rule.level for rule in matched),
            categories=tuple(sorted({rule.category for rule in matched})),
            rules=tuple(sorted(rule.id for rule in matched)),
        )
        return Findings(assessment, idiom)


def load_rules(directory: Traversable) -> RuleSet:
    """Read, check and compile every file in a rules folder.

    Raises:
        RulesError: A file is missing or malformed; the message names the file and,
            for a rule, its id.
    """
    fragments = _load_fragments(directory / FRAGMENTS_FILE)
    rule_files = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for entry in rule_files:
        if entry.name in (NORMALISATION_FILE, FRAGMENTS_FILE):
            continue
        for rule in _load_rule_file(entry, fragments):
            if rule.id in seen:
                raise RulesError(
                    f"{entry.name}: rule {rule.id}: id already used in {seen[rule.id]}"
                )
            seen[rule.id] = entry.name
            rules.append(rule)
    if not rules:
        raise RulesError(f"{directory.name}: no rule files found")
    # Misspellings are mended towards the ways of hurting someone, and the listed words.
    hurting = {
        word for name in ("hit", "hit_done") for word in _PATTERN_WORD.findall(fragments[name])
    }
    normaliser = _load_normaliser(directory / NORMALISATION_FILE, hurting)
    return RuleSet(normalise=normaliser, rules=tuple(rules))


def _read(entry: Traversable, *sections: str) -> dict[str, object]:
    """Read one YAML file, check its spec_version and that it has every one of `sections`."""
    if not entry.is_file():
        raise RulesError(f"{entry.name}: file not found")
    try:
        data = read_yaml(entry.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RulesError(f"{entry.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{entry.name}: expected a mapping with spec_version")
    if data.get("spec_version") != SPEC_VERSION:
        raise RulesError(f"{entry.name}: spec_version must be {SPEC_VERSION}")
    for section in sections:
        if section not in data:
            raise RulesError(f"{entry.name}: missing {section!r}")
    return data


def _load_normaliser(entry: Traversable, targets: set[str]) -> Normaliser:
    """Build the normaliser from `normalisation.yaml`, mending misspellings to `targets`
    and to the file's `mend_to` words."""
    data = _read(entry, "words", "phrases", "doubled_words", "mend_to")
    words = _plain_mapping(entry.name, "words", data["words"], single_word_keys=True)
    phrases = _plain_mapping(entry.name, "phrases", data["phrases"], single_word_keys=False)
    doubled = data["doubled_words"]
    if not isinstance(doubled, list):
        raise RulesError(f"{entry.name}: doubled_words must be a list of words")
    for word in doubled:
        if not (isinstance(word, str) and _PLAIN_WORDS.fullmatch(word)) or " " in word:
            raise RulesError(f"{entry.name}: doubled_words: {word!r} is not one lower-case word")
    mend_to = data["mend_to"]
    if not (
        isinstance(mend_to, list) and all(isinstance(w, str) and w.isalpha() for w in mend_to)
    ):
        raise RulesError(f"{entry.name}: mend_to must be a list of single words")
    known = WordList(
        chain(english_words(), words, (w for value in words.values() for w in value.split()))
    )
    return Normaliser(
        words, phrases, frozenset(doubled), SpellingMender(known, targets | set(mend_to)).mend
    )


def _plain_mapping(
    file_name: str, section: str, mapping: object, *, single_word_keys: bool
) -> dict[str, str]:
    """Check a mapping of normalised words to normalised words, entry by entry."""
    if not isinstance(mapping, dict):
        raise RulesError(f"{file_name}: {section} must be a mapping")
    for key, value in mapping.items():
        if not (isinstance(key, str) and _PLAIN_WORDS.fullmatch(key)) or (
            single_word_keys and " " in key
        ):
            raise RulesError(f"{file_name}: {section}: {key!r} is not in normalised form")
        if not (isinstance(value, str) and _PLAIN_WORDS.fullmatch(value)):
            raise RulesError(f"{file_name}: {section}: {key}: {value!r} is not in normalised form")
    return mapping


def _load_fragments(entry: Traversable) -> dict[str, str]:
    """Read `fragments.yaml` and expand fragments used inside other fragments."""
    raw = _read(entry, "fragments")["fragments"]
    if not isinstance(raw, dict):
        raise RulesError(f"{entry.name}: fragments must be a mapping")
    for name, value in raw.items():
        if not (isinstance(name, str) and _FRAGMENT_NAME.fullmatch(name)):
            raise RulesError(f"{entry.name}: fragment name {name!r} must be lower_snake_case")
        if not isinstance(value, str):
            raise RulesError(f"{entry.name}: fragment {name}: must be a string")
    expanded: dict[str, str] = {}
    for name in raw:
        expanded[name] = _expand(raw[name], raw, f"{entry.name}: fragment {name}", (name,))
        _check(expanded[name], f"{entry.name}: fragment {name}")
    return expanded


def _expand(pattern: str, fragments: Mapping[str, str], where: str, chain: tuple[str, ...]) -> str:
    """Replace every `{name}` in `pattern` with its fragment, recursively."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise RulesError(f"{where}: unknown fragment {{{name}}}")
        if name in chain:
            raise RulesError(f"{where}: fragment {{{name}}} refers to itself")
        return _expand(fragments[name], fragments, where, (*chain, name))

    return _FRAGMENT_REF.sub(replace, pattern)


def _load_rule_file(entry: Traversable, fragments: Mapping[str, str]) -> Iterable[Rule]:
    """Read and compile every rule in one rule file."""
    raw_rules = _read(entry, "rules")["rules"]
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError(f"{entry.name}: rules must be a non-empty list")
    for position, raw in enumerate(raw_rules, start=1):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"{entry.name}: rule {rule_id if isinstance(rule_id, str) else f'#{position}'}"
        if not isinstance(raw, dict):
            raise RulesError(f"{where}: must be a mapping")
        yield _compile_rule(raw, fragments, where)


def _compile_rule(raw: Mapping[str, object], fragments: Mapping[str, str], where: str) -> Rule:
    """Check one rule's fields and compile its patterns."""
    unknown = sorted(set(map(str, raw)) - _RULE_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for key in _REQUIRED_RULE_KEYS:
        if key not in raw:
            raise RulesError(f"{where}: missing field {key}")
    rule_id, category, level = raw["id"], raw["category"], raw["level"]
    if not (isinstance(rule_id, str) and _RULE_ID.fullmatch(rule_id)):
        raise RulesError(f"{where}: id must look like area.name in lower_snake_case")
    if category not in CATEGORIES:
        raise RulesError(f"{where}: unknown category {category!r}")
    if level not in (Level.CONCERN, Level.URGENT):
        raise RulesError(f"{where}: level must be concern or urgent, not {level!r}")
    if "why" in raw and not isinstance(raw["why"], str):
        raise RulesError(f"{where}: why must be a string")
    authors = raw.get("authors", sorted(AUTHORS))
    if not (isinstance(authors, list) and authors and set(map(str, authors)) <= AUTHORS):
        raise RulesError(f"{where}: authors must be a list from {sorted(AUTHORS)}")
    pattern = _compile_list(raw["patterns"], fragments, f"{where}: patterns", word_start=True)
    unless, unless_after = (
        _compile_list(raw[key], fragments, f"{where}: {key}", word_start=False)
        if key in raw
        else None
        for key in ("unless", "unless_after")
    )
    return Rule(
        rule_id,
        str(category),
        Level(str(level)),
        pattern,
        unless,
        frozenset(map(str, authors)),
        unless_after,
    )


def _compile_list(
    raw: object, fragments: Mapping[str, str], where: str, *, word_start: bool
) -> re.Pattern[str]:
    """Expand and check a list of patterns, then compile them as one alternation.

    With `word_start`, every pattern must begin with `\\b` (rules match whole words),
    which lets the alternation be guarded by one cheap look-behind: scanning a long
    message then skips the middle of every word, about a third faster.
    """
    if not isinstance(raw, list) or not raw or not all(isinstance(item, str) for item in raw):
        raise RulesError(f"{where}: must be a non-empty list of strings")
    expanded = []
    for position, item in enumerate(raw, start=1):
        if word_start and not item.startswith("\\b"):
            raise RulesError(f"{where} #{position}: must start with \\b (match whole words)")
        pattern = _expand(item, fragments, f"{where} #{position}", ())
        try:
            check_repeats(pattern)
        except PatternError as exc:
            raise RulesError(f"{where} #{position}: {exc}") from exc
        expanded.append(word_lists_as_tries(pattern))
    alternation = "|".join(f"(?:{pattern})" for pattern in expanded)
    try:
        return re.compile(f"(?<![a-z0-9])(?:{alternation})" if word_start else alternation)
    except re.error as exc:
        # Compiling each pattern alone costs half the load time; only a failure pays it,
        # to name the pattern at fault.
        for position, pattern in enumerate(expanded, start=1):
            _check(pattern, f"{where} #{position}")
        raise RulesError(f"{where}: the patterns do not compile together: {exc}") from exc


def _check(pattern: str, where: str) -> None:
    """Check one pattern; a problem names where the pattern came from."""
    try:
        check_pattern(pattern)
    except PatternError as exc:
        raise RulesError(f"{where}: {exc}") from exc


def _window(text: str, start: int, end: int) -> str:
    """Return the match at text[start:end] with up to WINDOW_WORDS words either side."""
    low = start
    for _ in range(WINDOW_WORDS):
        space = text.rfind(" ", 0, max(low - 1, 0))
        low = space + 1
        if space < 0:
            break
    return text[low : _words_after(text, end, WINDOW_WORDS)]


def _words_after(text: str, end: int, words: int) -> int:
    """Return where the `words` words after text[:end] end."""
    high = end
    for _ in range(words):
        space = text.find(" ", high + 1)
        if space < 0:
            return len(text)
        high = space
    return high
