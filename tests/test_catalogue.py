"""The message catalogues hold: keys looked up exist in English, fill in what the message
names, none goes unused, and a missing translation falls back to English, logged once."""

from __future__ import annotations

import ast
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import texts
from bot.telegram.commands import COMMANDS
from conversations import messages
from conversations.catalogue import DEFAULT_LOCALE, Catalogue, CatalogueError

ROOT = Path(__file__).resolve().parents[1]
# A dotted key as the bot's code writes one ("welcome.child").
DOTTED_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Package:
    """A package with a catalogue, and the names of the functions that look keys up."""

    folder: Path
    locales: Path
    lookups: frozenset[str]


PACKAGES = {
    "bot": Package(ROOT / "bot", texts.LOCALES, frozenset({"message"})),
    # The engine refuses with a reason that is a message key, and says messages by key.
    "conversations": Package(
        ROOT / "conversations", messages.LOCALES, frozenset({"message", "say", "_refuse"})
    ),
}


@dataclass(frozen=True)
class Lookup:
    """One call that looks a message up: its literal key (None if worked out) and the
    names it fills in (None if passed on as **values)."""

    where: str
    key: str | None
    names: frozenset[str] | None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _literal_keys(node: ast.expr) -> list[str] | None:
    """The keys an argument can be: "a", or "a" if ... else "b"; None if worked out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _literal_keys(node.body), _literal_keys(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def lookups_in(source: str, where: str, functions: frozenset[str]) -> list[Lookup]:
    """Every call of `functions` in `source` with the key (or keys) it asks for."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _called_name(node) not in functions:
            continue
        if not node.args:
            continue
        splat = any(keyword.arg is None for keyword in node.keywords)
        # `web=` picks a variant (texts.WEB_VARIANT); it fills nothing in.
        filled = (str(keyword.arg) for keyword in node.keywords if keyword.arg != "web")
        names = None if splat else frozenset(filled)
        keys: list[str | None] = list(_literal_keys(node.args[0]) or [None])
        found.extend(Lookup(f"{where}:{node.lineno}", key, names) for key in keys)
    return found


def constants_in(source: str) -> set[str]:
    """Every string written in `source` (keys kept in tables are found this way)."""
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def sources(package: Package) -> dict[str, str]:
    """Each module's source, by its path from the package's parent folder."""
    return {
        str(path.relative_to(package.folder.parent)): path.read_text(encoding="utf-8")
        for path in sorted(package.folder.rglob("*.py"))
    }


# A page template looks a key up as t("web.send") or t("web.help_now_local", phone=...).
TEMPLATE_LOOKUP = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*((?:,\s*[a-z_]+=[^,)]+)*)\)""")


def template_lookups(package: Package) -> list[Lookup]:
    """Every key a page template (`*.j2`) looks up, with the names it fills in."""
    found = []
    for path in sorted(package.folder.rglob("*.j2")):
        where = str(path.relative_to(package.folder.parent))
        for match in TEMPLATE_LOOKUP.finditer(path.read_text(encoding="utf-8")):
            names = frozenset(re.findall(r"([a-z_]+)=", match.group(2)))
            found.append(Lookup(where, match.group(1), names))
    return found


def wrong_lookups(package: Package, catalogue: Catalogue) -> list[str]:
    """Lookups of keys English does not have, or filling in other names than the message's."""
    wrong, known = [], catalogue.keys()
    lookups = [
        lookup
        for where, source in sources(package).items()
        for lookup in lookups_in(source, where, package.lookups)
    ]
    for lookup in lookups + template_lookups(package):
        if lookup.key is None:
            continue
        if lookup.key not in known:
            wrong.append(f"{lookup.where}: no key {lookup.key}")
        elif lookup.names is not None and lookup.names != catalogue.placeholders_of(lookup.key):
            wrong.append(f"{lookup.where}: {lookup.key} fills in {sorted(lookup.names)}")
    return wrong


def unknown_keys_in_tables(package: Package, catalogue: Catalogue) -> list[str]:
    """Dotted strings that look like keys of a known section ("welcome.") but are none."""
    known = catalogue.keys()
    sections = {key.split(".")[0] for key in known if "." in key}
    return sorted(
        f"{where}: {text}"
        for where, source in sources(package).items()
        for text in constants_in(source)
        if DOTTED_KEY.match(text) and text.split(".")[0] in sections and text not in known
    )


def unused_keys(package: Package, catalogue: Catalogue) -> list[str]:
    written = set().union(*(constants_in(source) for source in sources(package).values()))
    written |= {lookup.key for lookup in template_lookups(package) if lookup.key is not None}
    # A web chat variant is looked up with its key's own lookup (`web=True`).
    written |= {key + texts.WEB_VARIANT for key in written}
    return sorted(catalogue.keys() - written)


def registry_keys(name: str) -> set[str]:
    """The keys the command registry works out from a command's name (`menu.NAME`), which
    no literal in the code names."""
    if name != "bot":
        return set()
    return {
        key
        for command in COMMANDS.commands
        for words in command.shown.values()
        for key in (words.menu, words.help, words.welcome)
        if isinstance(key, str)
    }


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_key_looked_up_exists_in_english_and_fills_in_its_placeholders(name: str) -> None:
    package = PACKAGES[name]
    catalogue = Catalogue.load(package.locales)
    assert wrong_lookups(package, catalogue) == []
    assert unknown_keys_in_tables(package, catalogue) == []
    assert sorted(registry_keys(name) - set(catalogue.keys())) == []


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_english_key_is_used_by_the_code(name: str) -> None:
    package = PACKAGES[name]
    unused = unused_keys(package, Catalogue.load(package.locales))
    assert sorted(set(unused) - registry_keys(name)) == []


def translation_files() -> list[tuple[str, str]]:
    """Each (package, locale) with a translation file, so a new language is checked at once."""
    return [
        (name, path.stem)
        for name, package in sorted(PACKAGES.items())
        for path in sorted(package.locales.glob("*.yaml"))
        if path.stem != DEFAULT_LOCALE
    ]


# What a reader types or dials must survive translation: /commands and numbers (999, 0800 1111).
COMMAND = re.compile(r"(?<![\w/])/[a-z]+")
NUMBER = re.compile(r"\d+")


def untranslatable_differences(catalogue: Catalogue, locale: str) -> list[str]:
    """Keys whose translation drops or adds a /command or a number the English has."""
    wrong = []
    for key in sorted(catalogue.keys()):
        texts_by_locale = catalogue.by_locale(key)
        if locale not in texts_by_locale:
            continue
        english, translated = texts_by_locale[DEFAULT_LOCALE], texts_by_locale[locale]
        for pattern in (COMMAND, NUMBER):
            if sorted(pattern.findall(english)) != sorted(pattern.findall(translated)):
                wrong.append(f"{locale}.yaml, {key}: {pattern.findall(translated)}")
    return wrong


@pytest.mark.parametrize(("name", "locale"), translation_files())
def test_every_translation_has_every_key_with_its_placeholders_commands_and_numbers(
    name: str, locale: str
) -> None:
    # Loading refuses a key English lacks and placeholders other than the English ones.
    catalogue = Catalogue.load(PACKAGES[name].locales)
    assert catalogue.coverage(locale).missing == ()
    for key in sorted(catalogue.keys()):
        translated = catalogue.by_locale(key)[locale]
        assert translated.strip() == translated, f"{locale}.yaml, {key}: stray spaces"
    assert untranslatable_differences(catalogue, locale) == []


def test_the_translation_check_would_catch_a_lost_command_or_number(tmp_path: Path) -> None:
    catalogue = _catalogue(
        tmp_path,
        en='messages:\n  help: "Call 999 or type /helpnow."\n  hi: "Hello"\n',
        cy='messages:\n  help: {text: "Ffoniwch 99 neu teipiwch /helpu.", status: machine}\n',
    )
    assert untranslatable_differences(catalogue, "cy") == [
        "cy.yaml, help: ['/helpu']",
        "cy.yaml, help: ['99']",
    ]
    assert catalogue.coverage("cy").missing == ("hi",)


def test_the_checks_would_catch_a_wrong_key_a_wrong_placeholder_and_an_unused_key(
    tmp_path: Path,
) -> None:
    (tmp_path / "bad.py").write_text(
        'texts.message("welcome.chlid")\n'
        'texts.message("button.change", count=1)\n'
        "texts.message(KEYS[role], locale, **values)\n"
        'KEYS = {"child": "help.chlid", "parent": "help.family"}\n',
        encoding="utf-8",
    )
    package = Package(tmp_path, texts.LOCALES, frozenset({"message"}))
    catalogue = texts.catalogue()
    assert [line.split(": ", 1)[1] for line in wrong_lookups(package, catalogue)] == [
        "no key welcome.chlid",
        "button.change fills in ['count']",
    ]
    unknown = unknown_keys_in_tables(package, catalogue)
    assert [line.split(": ", 1)[1] for line in unknown] == ["help.chlid", "welcome.chlid"]
    assert "help.family" not in unused_keys(package, catalogue)
    assert "help.child" in unused_keys(package, catalogue)


def test_the_checks_read_page_templates_too(tmp_path: Path) -> None:
    (tmp_path / "page.html.j2").write_text(
        '{{ t("web.sned") }} {{ t("web.help_now_local", number=1) }} {{ t("web.send") }}',
        encoding="utf-8",
    )
    package = Package(tmp_path, texts.LOCALES, frozenset({"message"}))
    catalogue = texts.catalogue()
    assert [line.split(": ", 1)[1] for line in wrong_lookups(package, catalogue)] == [
        "no key web.sned",
        "web.help_now_local fills in ['number']",
    ]
    assert "web.send" not in unused_keys(package, catalogue)


def _catalogue(tmp_path: Path, **files: str) -> Catalogue:
    for locale, text in files.items():
        (tmp_path / f"{locale}.yaml").write_text(text, encoding="utf-8")
    return Catalogue.load(tmp_path)


ENGLISH = """\
messages:
  greeting: "Hello, {name}!"
  farewell: "Goodbye."
"""


def test_a_missing_translation_falls_back_to_english_and_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    catalogue = _catalogue(
        tmp_path,
        en=ENGLISH,
        cy='messages:\n  greeting: {text: "Helo, {name}!", status: machine}\n',
    )
    with caplog.at_level(logging.WARNING, logger="conversations.catalogue"):
        assert catalogue.text("greeting", "cy", name="Sam") == "Helo, Sam!"
        said = [catalogue.text("farewell", "cy") for _ in range(3)]
    assert said == ["Goodbye."] * 3
    assert [record.getMessage() for record in caplog.records] == [
        "no 'cy' text for farewell: shown in English"
    ]


def test_the_bots_words_fall_back_to_english_for_a_language_it_lacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    catalogue = Catalogue.load(texts.LOCALES)
    assert "fr" not in catalogue.locales()
    with caplog.at_level(logging.WARNING, logger="conversations.catalogue"):
        twice = [catalogue.text("button.change", "fr", number=2) for _ in range(2)]
    assert twice == ["Change 2", "Change 2"]
    assert len(caplog.records) == 1


def test_english_is_never_logged_as_a_fallback(caplog: pytest.LogCaptureFixture) -> None:
    catalogue = Catalogue.load(texts.LOCALES)
    with caplog.at_level(logging.WARNING, logger="conversations.catalogue"):
        catalogue.text("flow.saved", "en")
    assert caplog.records == []


def test_a_translation_must_keep_the_english_placeholders(tmp_path: Path) -> None:
    wrong = 'messages:\n  greeting: {text: "Helo, {enw}!", status: reviewed}\n'
    with pytest.raises(CatalogueError, match=r"cy.yaml, greeting: placeholders .* name"):
        _catalogue(tmp_path, en=ENGLISH, cy=wrong)


def test_a_translation_says_whether_a_person_reviewed_it(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="status must be one of machine, reviewed"):
        _catalogue(tmp_path, en=ENGLISH, cy='messages:\n  farewell: {text: "Hwyl."}\n')
    with pytest.raises(CatalogueError, match="needs 'text' and 'status'"):
        _catalogue(tmp_path, en=ENGLISH, cy='messages:\n  farewell: "Hwyl."\n')


def test_a_translation_of_a_key_english_lacks_is_refused(tmp_path: Path) -> None:
    stale = 'messages:\n  welcome: {text: "Croeso.", status: machine}\n'
    with pytest.raises(CatalogueError, match="welcome: no such key in English"):
        _catalogue(tmp_path, en=ENGLISH, cy=stale)


def test_a_bare_yes_as_a_key_must_be_quoted(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="key True must be quoted"):
        _catalogue(tmp_path, en='messages:\n  yes: "Yes"\n')
    assert _catalogue(tmp_path, en='messages:\n  "yes": "Yes"\n').text("yes", "en") == "Yes"


def test_a_lookup_must_fill_in_exactly_the_messages_placeholders(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path, en=ENGLISH)
    with pytest.raises(CatalogueError, match="greeting fills in name"):
        catalogue.text("greeting", "en")
    with pytest.raises(CatalogueError, match="greeting fills in name, not name, town"):
        catalogue.text("greeting", "en", name="Sam", town="Leeds")
    with pytest.raises(KeyError):
        catalogue.text("welcome", "en")


def test_coverage_counts_reviewed_machine_and_missing_translations(tmp_path: Path) -> None:
    catalogue = _catalogue(
        tmp_path,
        en=ENGLISH,
        cy='messages:\n  greeting: {text: "Helo, {name}!", status: machine}\n',
        pl='messages:\n  farewell: {text: "Do widzenia.", status: reviewed}\n'
        '  greeting: {text: "Cześć, {name}!", status: machine}\n',
    )
    assert catalogue.locales() == ("en", "cy", "pl")
    welsh, polish = catalogue.coverage("cy"), catalogue.coverage("pl")
    assert (welsh.total, welsh.reviewed, welsh.machine, welsh.missing) == (
        2,
        0,
        1,
        ("farewell",),
    )
    assert (polish.translated, polish.reviewed, polish.missing) == (2, 1, ())
    assert catalogue.coverage("en").reviewed == 2
    assert catalogue.coverage("uk").missing == ("farewell", "greeting")


def test_each_web_chat_variant_names_no_command_and_fills_in_what_its_key_does() -> None:
    catalogue = texts.catalogue()
    keys = catalogue.keys()
    variants = sorted(key for key in keys if key.endswith(texts.WEB_VARIANT))
    assert variants, "the web chat has variants of the texts that name commands"
    for variant in variants:
        key = variant.removesuffix(texts.WEB_VARIANT)
        assert catalogue.has(key), variant
        assert catalogue.placeholders_of(variant) == catalogue.placeholders_of(key), variant
        assert not re.search(r"(^|\s)/[a-z]", catalogue.by_locale(variant)["en"]), variant
