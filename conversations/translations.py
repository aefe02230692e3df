"""How fully a flow is translated: every text it shows, and which languages each one has.

A flow's `languages:` promises that every text it can show is in each listed language, with
the same `{iro}` and `{meeting}` names as English; `mysay flows check` holds it to that
(`missing_translations`), and `mysay i18n status` counts it (`flow_coverage`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from conversations.catalogue import DEFAULT_LOCALE, CatalogueError, placeholders
from conversations.flow_spec import Flow


@dataclass(frozen=True)
class FlowText:
    """One text a flow shows: where it is (step and field) and its words per language."""

    step: str | None
    field: str
    by_locale: Mapping[str, str]


def flow_texts(flow: Flow) -> Iterator[FlowText]:
    """Every per-language text in the flow, the header's first, then each step's."""
    yield from _texts(flow, None, "")


def _texts(value: object, step: str | None, path: str) -> Iterator[FlowText]:
    if isinstance(value, BaseModel):
        # A step names itself; its fields are paths within it.
        if step is None and path.startswith("steps."):
            step, path = getattr(value, "id", None), ""
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), step, _join(path, name))
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _texts(item, step, _join(path, str(index)))
    elif isinstance(value, Mapping) and value:
        if all(isinstance(text, str) for text in value.values()) and DEFAULT_LOCALE in value:
            yield FlowText(step, path, value)
        else:
            for key, item in value.items():
                yield from _texts(item, step, _join(path, str(key)))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def missing_translations(flow: Flow, locale: str) -> list[tuple[str | None, str, str]]:
    """(step, field, problem) for each text `locale` lacks or words with other placeholders."""
    problems: list[tuple[str | None, str, str]] = []
    for text in flow_texts(flow):
        words = text.by_locale.get(locale, "")
        if not words.strip():
            problems.append((text.step, text.field, f"has no '{locale}' text"))
        elif not _same_placeholders(words, text.by_locale[DEFAULT_LOCALE]):
            problems.append(
                (text.step, text.field, f"'{locale}' text must use the English placeholders")
            )
    return problems


def _same_placeholders(words: str, english: str) -> bool:
    try:
        return placeholders(words) == placeholders(english)
    except (CatalogueError, ValueError):
        # Braces that are no placeholder ("{" alone): the engine could not fill them in.
        return False


def flow_coverage(flow: Flow, locale: str) -> tuple[int, int]:
    """(texts translated into `locale`, texts in all) for the flow."""
    texts = list(flow_texts(flow))
    translated = sum(bool(t.by_locale.get(locale, "").strip()) for t in texts)
    return translated, len(texts)
