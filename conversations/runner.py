"""Run a flow as a plain-text conversation, like goflow's flowrunner.

The loop takes a line reader and a writer, so `mysay flows run`, the golden transcript tests
and a future `mysay try` share it. Options are numbered from 1; the words `skip`, `back`,
`done`, `send`, `save`, `change N` (N = summary item number) and `cancel` do what they say;
anything else is typed text. After `save` the run is written to JSON and read back, then
resumed, just as the bot resumes one after a restart.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from conversations.engine import Transition, current_prompt, handle, start
from conversations.events import (
    AnswerRecorded,
    AnswersDropped,
    Asked,
    Back,
    Cancel,
    Cancelled,
    Change,
    Choose,
    Done,
    Event,
    Input,
    Rejected,
    Said,
    Saved,
    SaveForLater,
    Send,
    Skip,
    Skipped,
    Submitted,
    SummaryShown,
    Text,
    Toggle,
)
from conversations.flow_spec import Flow
from conversations.runs import Run, RunContext
from conversations.sharing import IRO_ONLY

LineReader = Callable[[], str | None]  # returns None at the end of input
Writer = Callable[[str], None]
Clock = Callable[[], datetime]

_WORDS: dict[str, Input] = {
    "skip": Skip(),
    "back": Back(),
    "done": Done(),
    "send": Send(),
    "save": SaveForLater(),
    "cancel": Cancel(),
}

Prompt = Asked | SummaryShown | None


def run_conversation(
    flow: Flow,
    context: RunContext,
    read_line: LineReader,
    write: Writer,
    clock: Clock,
    *,
    echo: bool = False,
) -> Run:
    """Run `flow` until it is sent or cancelled, or input ends; return the last run.

    `echo` writes each line read after a `> `, for transcripts of piped input.
    """
    transition = start(flow, context, clock())
    prompt = _show(transition.events, write, None)
    run = transition.run
    while not run.status.finished:
        line = read_line()
        if line is None:
            write("(end of input)")
            break
        line = line.strip()
        if echo:
            write(f"> {line}")
        transition = handle(flow, run, parse_line(line, prompt), clock())
        run = transition.run
        prompt = _show(transition.events, write, prompt)
        if any(isinstance(event, Saved) for event in transition.events):
            run = _resumed(flow, transition, write)
    return run


def _resumed(flow: Flow, transition: Transition, write: Writer) -> Run:
    # What the bot does after a restart: read the stored run back and show where it was.
    run = Run.from_dict(json.loads(json.dumps(transition.run.to_dict())))
    write("(resumed)")
    _show(current_prompt(flow, run), write, None)
    return run


def parse_line(line: str, prompt: Prompt) -> Input:
    """Turn one typed line into an engine input, reading numbers against the last prompt."""
    word, _, rest = line.lower().partition(" ")
    if line.lower() in _WORDS:
        return _WORDS[line.lower()]
    if word == "change" and isinstance(prompt, SummaryShown):
        return Change(_nth(rest, [item.step_id for item in prompt.items]))
    if isinstance(prompt, Asked) and prompt.options:
        ids = [option.id for option in prompt.options]
        # A number picks by position; typing an option id ("yes") picks it too.
        option_id = line.lower() if line.lower() in ids else _nth(line, ids)
        return Toggle(option_id) if prompt.kind == "multi" else Choose(option_id)
    return Text(line)


def _nth(number: str, ids: list[str]) -> str:
    # An out-of-range number becomes an empty id, which the engine rejects politely.
    index = int(number) - 1 if number.strip().isdigit() else -1
    return ids[index] if 0 <= index < len(ids) else ""


def _show(events: list[Event], write: Writer, prompt: Prompt) -> Prompt:
    """Write the events as text; return the prompt now on screen."""
    for event in events:
        for line in render_event(event):
            write(line)
        if isinstance(event, Asked | SummaryShown):
            prompt = event
    return prompt


def render_event(event: Event) -> list[str]:
    """Return the lines that show one event in a terminal."""
    match event:
        case Said(text=text):
            return [text]
        case Asked():
            return _render_asked(event)
        case AnswerRecorded(step_id=step_id, value=value, theme=theme):
            return [
                f"  · recorded {step_id} = {json.dumps(value, ensure_ascii=False)}"
                + (f" (theme: {theme})" if theme else "")
            ]
        case Skipped(step_id=step_id):
            return [f"  · skipped {step_id}"]
        case AnswersDropped(step_ids=step_ids):
            return [f"  · dropped answers that no longer apply: {', '.join(step_ids)}"]
        case SummaryShown(text=text, items=items):
            lines = [text]
            lines += [f"  {n}. {i.question} -> {i.answer_text}" for n, i in enumerate(items, 1)]
            return [*lines, "(send, save, change N, back or cancel)"]
        case Submitted(share_with=share_with, text=text):
            return [text, f"  · submitted, shared with: {share_with or IRO_ONLY.id}"]
        case Saved():
            return ["  · saved for later"]
        case Cancelled():
            return ["  · cancelled; nothing was shared"]
        case Rejected(message=message):
            return [f"! {message}"]
    return []


def _render_asked(event: Asked) -> list[str]:
    lines = [event.text]
    for number, option in enumerate(event.options, 1):
        mark = "[x] " if option.id in event.selected else ("[ ] " if event.kind == "multi" else "")
        lines.append(f"  {number}. {mark}{option.label}")
    hints = {
        "multi": "type numbers to tick, then done",
        "text": f"type your answer, up to {event.max_length} characters",
        "date": "type a date like 25/12/2024",
    }.get(event.kind, "type a number")
    extras = [word for word, ok in (("skip", event.can_skip), ("back", event.can_go_back)) if ok]
    return [*lines, f"({', '.join([hints, *extras])})"]
