"""Regular-expression helpers for the rule files: share prefixes, refuse explosive patterns.

Kept apart from `rules.py` (which reads and runs the rule files) because they are about
regular expressions in general, not about safeguarding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNBOUNDED = re.compile(r"[+*]|\{\d*,\}")
# A group that is nothing but a list of plain words, such as an expanded `{hit}`.
_WORD_LIST_GROUP = re.compile(r"\(\?:([a-z0-9 ]+(?:\|[a-z0-9 ]+)+)\)")
_ANY_QUANTIFIER = re.compile(r"[+*?{]")


class PatternError(ValueError):
    """A pattern does not compile, or could take exponential time."""


def word_lists_as_tries(pattern: str) -> str:
    """Rewrite every plain word-list group in `pattern` as a trie (same strings matched)."""
    return _WORD_LIST_GROUP.sub(_word_list_as_trie, pattern)


def check_pattern(pattern: str) -> None:
    """Check that one pattern compiles and has none of the nested repeats that explode.

    Raises:
        PatternError: with the reason, for the caller to prefix with where it was found.
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PatternError(f"invalid pattern: {exc}") from exc
    check_repeats(pattern)


def check_repeats(pattern: str) -> None:
    """Check only for nested repeats: cheap, so every pattern is checked at load, while
    compiling is left to the whole list (see `rules._compile_list`).

    Raises:
        PatternError: with the reason.
    """
    if _has_nested_repeat(pattern):
        raise PatternError(
            "a repeated group contains a repeat, which can take exponential time;"
            " bound the outer repeat, e.g. (?:[a-z]+ ){0,3}"
        )


def _word_list_as_trie(group: re.Match[str]) -> str:
    """Rewrite one `(?:word|word|...)` group matched by _WORD_LIST_GROUP as a trie."""
    return f"(?:{_trie(group.group(1).split('|'))})"


def _trie(words: Iterable[str]) -> str:
    """Rewrite a list of words as one regex sharing prefixes ("hit|hits" -> "hit(?:s)?").

    Python's `re` tries the branches of an alternation one by one at every position;
    the word lists here run to a hundred words, and sharing prefixes roughly halves the
    time to screen a long message. The set of strings matched is unchanged.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(root)


def _render(node: dict[str, dict]) -> str:
    """Render one trie node as a regex (helper of `_trie`)."""
    branches = [re.escape(char) + _render(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


def _has_nested_repeat(pattern: str) -> bool:
    """Tell whether a group holding a quantifier is itself repeated without bound.

    This catches the usual cause of catastrophic backtracking, `(a+)+` and `(\\w+ )*`;
    it is a guard for people editing the data, not a proof. Bounded outer repeats such as
    `(?:[a-z]+ ){0,3}` are allowed: their cost grows with the bound, not exponentially.
    """
    open_groups: list[bool] = []  # per open group: does it contain a quantifier?
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
        elif char == "(":
            open_groups.append(False)
        elif char == ")" and open_groups:
            inner = open_groups.pop()
            if inner and _UNBOUNDED.match(pattern, index + 1):
                return True
            if open_groups and (inner or _ANY_QUANTIFIER.match(pattern, index + 1)):
                open_groups[-1] = True
        elif char in "+*{" and open_groups:
            open_groups[-1] = True
        index += 1
    return False


def _class_end(pattern: str, start: int) -> int:
    """Return the index of the `]` closing the character class opened at `start`."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index
