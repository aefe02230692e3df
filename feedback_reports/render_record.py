"""Renderers for a `ReviewRecord`: plain text, Markdown and printable HTML.

All three are pure functions of the record. People's words are cleaned of control characters
everywhere, escaped for Markdown, and autoescaped by Jinja2 in HTML. Plain text leaves out
faces (emoji) because case-management systems often mangle them; the words say the same.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from feedback_reports.record_model import AnswerLine, ReviewRecord
from feedback_reports.templating import clean, environment, escape_markdown

WIDTH = 80


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else "yes" if value else "no"


def _date(value: object) -> str:
    return "not recorded" if value is None else str(value)


def _mentions(line: AnswerLine) -> str:
    return f"(also mentions {', '.join(line.mentions)})"


def _sections(record: ReviewRecord) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Yield (heading, [(label, value)]) in reading order; values are raw, unescaped."""
    header = [
        ("Case reference", record.case_ref),
        ("Meeting", record.review_kind),
        ("Due", _date(record.due_date)),
        ("Held", _date(record.held_on)),
        ("Prepared for", record.reader_words),
        ("Prepared at", record.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    yield "Review record summary", header
    part = record.taking_part
    # Views the child chose not to share with this reader are not "not answered".
    missing = "not shared with this reader" if record.withheld_runs else "not answered"
    yield (
        "How I want to take part",
        [
            ("Come to my meeting", part.attend or missing),
            ("Talk to my IRO first", part.talk_to_iro_first or missing),
            ("An advocate", part.advocate or missing),
            ("Who I want at my meeting", ", ".join(part.who_at_meeting) or missing),
        ],
    )


def render_text(record: ReviewRecord) -> str:
    """Render plain text wrapped at 80 columns, with no markup, for a case-management system."""
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        for piece in clean(text).split("\n"):
            out.extend(
                textwrap.wrap(piece, WIDTH, initial_indent=indent, subsequent_indent=indent)
                or [indent.rstrip()]
            )

    def heading(title: str) -> None:
        out.extend(["", title.upper(), "-" * len(title)])

    for title, rows in _sections(record):
        heading(title)
        for label, value in rows:
            para(f"{label}: {value}")
    for note in record.notes:
        para(f"Note: {note}")

    def answer(line: AnswerLine) -> None:
        para(f"Q: {line.question}")
        para(f'"{line.answer}"' if line.own_words else line.answer, "   ")
        if line.answered_in:
            para(f"({line.answered_in})", "   ")

    for group in record.themes:
        heading(group.title)
        for line in group.answers:
            answer(line)
            if line.mentions:
                para(_mentions(line), "   ")
    lists = {
        "How I feel": [f"{m.question} {m.words} ({_date(m.on)})" for m in record.moods],
        "Since my last review": [
            f"{c.question} {c.direction}: was {c.before}, now {c.now}" for c in record.changes
        ],
        "Safeguarding flags": [
            f"Level {f.level}, {f.status}, raised {f.raised_on}" for f in record.flags
        ],
        "What I asked for": [
            f"{r.about.capitalize()} ({r.status}, {r.made_on})" for r in record.requests
        ],
    }
    for title, items in lists.items():
        if items:
            heading(title)
            for item in items:
                para(item)
    for feedback in record.family:
        heading(f"Feedback from a {feedback.role}")
        for line in feedback.answers:
            answer(line)
    if record.outcome:
        heading("Outcome recorded by the IRO")
        outcome = record.outcome
        code = outcome.participation
        para(f"Participation: {f'{code} - {outcome.participation_words}' if code else 'none'}")
        para(f"Held on: {_date(outcome.held_on)}")
        para(f"In timescale: {outcome.in_timescale_words}")
        para(f"Seen before the meeting: {_yes_no(outcome.seen_before)}")
        if outcome.note_to_child:
            para(f"Note to the child: {outcome.note_to_child}")
    return "\n".join(out).strip("\n") + "\n"


def render_markdown(record: ReviewRecord) -> str:
    """Render Markdown; every word that came from a person or the database is escaped."""
    md = escape_markdown
    out: list[str] = []

    def quote(text: str) -> None:
        out.extend(f"> {md(piece)}" if piece else ">" for piece in clean(text).split("\n"))
        out.append("")

    for index, (title, rows) in enumerate(_sections(record)):
        out.extend([f"{'#' if index == 0 else '##'} {md(title)}", ""])
        out.extend(f"- **{md(label)}:** {md(value)}" for label, value in rows)
        out.append("")
    out.extend(f"*{md(note)}*" for note in record.notes)
    out.append("")

    def answer(line: AnswerLine) -> None:
        out.extend([f"**{md(line.question)}**", ""])
        if line.own_words:
            quote(line.answer)
            if line.answered_in:
                out.extend([f"*{md(line.answered_in)}*", ""])
        else:
            out.extend([md(line.answer), ""])

    for group in record.themes:
        out.extend([f"## {md(group.title)}", ""])
        for line in group.answers:
            answer(line)
            # Only a person's own words mention other themes.
            if line.mentions:
                out.extend([f"*{md(_mentions(line))}*", ""])
    lists = {
        "How I feel": [
            f"{md(m.question)} {m.face or ''} {md(m.words)} \\({md(_date(m.on))}\\)"
            for m in record.moods
        ],
        "Since my last review": [
            f"{md(c.question)} **{c.direction}**: was {md(c.before)}, now {md(c.now)}"
            for c in record.changes
        ],
        "Safeguarding flags": [
            f"Level {md(f.level)}, {md(f.status)}, raised {md(str(f.raised_on))}"
            for f in record.flags
        ],
        "What I asked for": [
            f"{md(r.about.capitalize())} ({md(r.status)}, {md(str(r.made_on))})"
            for r in record.requests
        ],
    }
    for title, items in lists.items():
        if items:
            out.extend([f"## {title}", "", *(f"- {item}" for item in items), ""])
    for feedback in record.family:
        out.extend([f"## Feedback from a {md(feedback.role)}", ""])
        for line in feedback.answers:
            answer(line)
    if record.outcome:
        o = record.outcome
        code = f"{o.participation} - {o.participation_words}" if o.participation else "none"
        out.extend(["## Outcome recorded by the IRO", ""])
        out.append(f"- **Participation:** {md(code)}")
        out.append(f"- **Held on:** {md(_date(o.held_on))}")
        out.append(f"- **In timescale:** {md(o.in_timescale_words)}")
        out.append(f"- **Seen before the meeting:** {_yes_no(o.seen_before)}")
        if o.note_to_child:
            out.append(f"- **Note to the child:** {md(o.note_to_child)}")
    return "\n".join(out).strip("\n") + "\n"


def render_html(record: ReviewRecord) -> str:
    """Render a printable HTML page with inline CSS and no external resources."""
    template = environment().get_template("record.html.j2")
    return template.render(
        record=record,
        sections=list(_sections(record)),
        clean=clean,
        yes_no=_yes_no,
        date=_date,
    )
