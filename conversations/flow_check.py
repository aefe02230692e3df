"""Load flow files and check them, with problems that name the file, the step and the field.

`check_flow_file` returns every problem it finds (for `mysay flows check`); `load_flow` and
`load_flows` raise `FlowError` listing them, so the bot refuses to start on a broken flow.

Steps run in file order and never jump, so every path ends by construction; what can go wrong
is a step that refers to a later step, or a condition that can never be true.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from conversations.catalogue import DEFAULT_LOCALE
from conversations.conditions import can_hold, referenced_steps
from conversations.flow_spec import (
    AUDIENCES,
    OPTION_KINDS,
    Condition,
    Flow,
    FlowHeader,
    Step,
)
from conversations.runs import AnswerValue
from conversations.step_roles import role_problems
from conversations.translations import missing_translations
from conversations.yaml_files import SAFE_LOADER

FLOWS_DIR = Path(__file__).parent / "flows"

M = TypeVar("M", bound=BaseModel)


class _FlowLoader(SAFE_LOADER):  # type: ignore[valid-type,misc]  # chosen at import
    """A YAML 1.2-style loader, so ids such as `yes`, `no` and `8_12` stay text (libyaml
    parses; which words are booleans or numbers is still decided here, in Python).

    PyYAML follows YAML 1.1, where `yes` is a boolean and `8_12` the number 812; a flow file
    writer should not have to know that and quote them.
    """


_CORE_SCALARS = {
    "tag:yaml.org,2002:bool": (r"true|True|TRUE|false|False|FALSE", "tTfF"),
    "tag:yaml.org,2002:int": (r"[-+]?[0-9]+", "-+0123456789"),
    "tag:yaml.org,2002:float": (
        r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?",
        "-+.0123456789",
    ),
}
_FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag not in _CORE_SCALARS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, (_pattern, _first) in _CORE_SCALARS.items():
    _FlowLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


@dataclass(frozen=True)
class FlowProblem:
    """One thing wrong with a flow file."""

    file: str
    step: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.step is not None:
            parts.append(f"step '{self.step}'")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ": ".join([*parts, self.message])


class FlowError(Exception):
    """A flow file is broken; the message has one line per problem."""

    def __init__(self, problems: Sequence[FlowProblem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = tuple(problems)


def check_flow_file(path: Path | str) -> list[FlowProblem]:
    """Return every problem in the flow file at `path` (empty when it is fine)."""
    return _read(Path(path))[1]


def load_flow(path: Path | str, *, runs: bool = True) -> Flow:
    """Load and check one flow file, raising `FlowError` if anything is wrong.

    A flow that `runs` must mark the roles the bot relies on; a kept past version (`runs`
    False) is only read to word old answers, so it may lack a role added since.
    """
    flow, problems = _read(Path(path), runs=runs)
    if problems or flow is None:
        raise FlowError(problems)
    return flow


def load_flows(directory: Path | str = FLOWS_DIR) -> dict[str, Flow]:
    """Load every `*.yaml` flow in `directory` (the packaged flows by default), keyed by id."""
    return {flow_id: flow for flow_id, (flow, _) in load_flow_files(directory).items()}


def load_flow_files(directory: Path | str = FLOWS_DIR) -> dict[str, tuple[Flow, Path]]:
    """Load every `*.yaml` flow in `directory`, keyed by id, each with the file it came from."""
    flows: dict[str, tuple[Flow, Path]] = {}
    problems: list[FlowProblem] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        flow, found = _read(path)
        problems.extend(found)
        if flow is None:
            continue
        if flow.id in flows:
            message = f"flow id '{flow.id}' is used by another file"
            problems.append(FlowProblem(path.name, None, "id", message))
        flows[flow.id] = (flow, path)
    if problems:
        raise FlowError(problems)
    return flows


def _read(path: Path, *, runs: bool = True) -> tuple[Flow | None, list[FlowProblem]]:
    name = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_FlowLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [FlowProblem(name, None, None, f"cannot be read: {exc}")]
    if not isinstance(raw, dict):
        return None, [FlowProblem(name, None, None, "must be a mapping with a list of steps")]

    header_data = {key: value for key, value in raw.items() if key != "steps"}
    header, problems = _validate(FlowHeader, header_data, name, step=None)
    raw_steps = raw.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.append(FlowProblem(name, None, "steps", "must be a non-empty list of steps"))
        return None, problems

    # Each step is validated on its own so one bad step does not hide problems in the others.
    names = [_step_name(raw_step, i) for i, raw_step in enumerate(raw_steps)]
    steps: list[Step | None] = []
    for raw_step, step_name in zip(raw_steps, names, strict=True):
        step, found = _validate(Step, raw_step, name, step=step_name)
        steps.append(step)
        problems.extend(found)
    audiences = header.audience if isinstance(header, FlowHeader) else AUDIENCES
    problems.extend(_check_steps(name, names, steps, audiences))
    valid = [step for step in steps if step is not None]
    # Roles are checked once every step reads: a broken step may be the one with the role.
    if isinstance(header, FlowHeader) and len(valid) == len(steps):
        roles = role_problems(header.id if runs else None, valid)
        problems.extend(FlowProblem(name, at, "role", message) for at, message in roles)
    if problems:
        return None, problems
    flow = Flow.model_validate({**header_data, "steps": steps})
    untranslated = [
        FlowProblem(name, step, field, message)
        for locale in flow.languages
        if locale != DEFAULT_LOCALE
        for step, field, message in missing_translations(flow, locale)
    ]
    return (None, untranslated) if untranslated else (flow, [])


def _step_name(raw_step: object, index: int) -> str:
    step_id = raw_step.get("id") if isinstance(raw_step, dict) else None
    return step_id if isinstance(step_id, str) else f"#{index + 1}"


def _validate(
    model: type[M], data: object, file: str, step: str | None
) -> tuple[M | None, list[FlowProblem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [
            FlowProblem(
                file,
                step,
                ".".join(str(part) for part in error["loc"]) or None,
                error["msg"].removeprefix("Value error, "),
            )
            for error in exc.errors()
        ]


def _check_steps(
    file: str, names: Sequence[str], steps: Sequence[Step | None], audiences: Sequence[str]
) -> list[FlowProblem]:
    problems: list[FlowProblem] = []
    valid = {step.id: step for step in steps if step is not None}
    for position, (name, step) in enumerate(zip(names, steps, strict=True)):
        if name in names[:position]:
            problems.append(FlowProblem(file, name, "id", "is used by an earlier step"))
        if step is None:
            continue
        problems.extend(
            FlowProblem(file, step.id, field, message) for field, message in _kind_problems(step)
        )
        before = valid.get(step.not_before or "")
        if step.not_before and (
            step.not_before not in names[:position] or before is None or before.kind != "date"
        ):
            problems.append(FlowProblem(file, step.id, "not_before", "names no earlier date step"))
        conditions = [("when", step.when)] + [
            (f"variants.{i}.when", variant.when) for i, variant in enumerate(step.variants)
        ]
        for field, condition in conditions:
            if condition is None:
                continue
            messages = _condition_problems(condition, names[:position], names, valid, audiences)
            problems.extend(FlowProblem(file, step.id, field, message) for message in messages)
    if valid and not any(step.is_question for step in valid.values()):
        problems.append(FlowProblem(file, None, "steps", "has no questions, only info steps"))
    return problems


def _kind_problems(step: Step) -> Iterable[tuple[str, str]]:
    ids = step.option_ids
    if step.kind in OPTION_KINDS and len(ids) < 2:
        yield "options", f"a {step.kind} step needs at least two options"
    if step.kind not in OPTION_KINDS and ids:
        yield "options", f"a {step.kind} step has no options"
    if len(set(ids)) != len(ids):
        yield "options", "option ids must be different from each other"
    if step.kind == "yesno" and set(ids) != {"yes", "no"}:
        yield "options", "a yesno step has exactly the options 'yes' and 'no'"
    if step.kind != "multi" and any(option.exclusive for option in step.options):
        yield "options", "only options of a multi step can be exclusive"
    if step.max_length is not None and step.kind != "text":
        yield "max_length", "only text steps have a maximum length"
    if step.min is not None and (step.kind != "multi" or step.min > len(ids)):
        yield "min", "only multi steps have a minimum, and it cannot exceed the options"
    if step.optional and step.kind == "info":
        yield "optional", "an info step asks nothing, so it cannot be optional"
    limited = step.no_future or step.max_days_before_due is not None or step.not_before
    if limited and step.kind != "date":
        yield "no_future", "only date steps have date limits"
    unknown_replies = [option for option in step.replies if option not in ids]
    if unknown_replies:
        yield "replies", f"names options the step does not have: {', '.join(unknown_replies)}"
    if step.request is not None:
        if step.kind not in OPTION_KINDS:
            yield "request", "only a step with options can raise a request"
        unknown = [option for option in step.request.on if option not in ids]
        if unknown and step.kind in OPTION_KINDS:
            yield "request.on", f"names options the step does not have: {', '.join(unknown)}"


def _condition_problems(
    condition: Condition,
    earlier: Sequence[str],
    names: Sequence[str],
    valid: dict[str, Step],
    audiences: Sequence[str],
) -> list[str]:
    problems: list[str] = []
    for step_id, option_ids in referenced_steps(condition):
        target = valid.get(step_id)
        if step_id not in names:
            problems.append(f"refers to unknown step '{step_id}'")
        elif step_id not in earlier:
            problems.append(f"refers to later step '{step_id}'")
        elif target is not None and target.kind not in OPTION_KINDS:
            problems.append(f"refers to step '{step_id}', which has no options to test")
        elif target is not None:
            problems.extend(
                f"step '{step_id}' has no option '{option}', so this can never match"
                for option in option_ids
                if option not in target.option_ids
            )
    if not problems and not can_hold(condition, audiences, _possible_answers(valid)):
        problems.append("can never be true, so this step is never asked")
    return problems


def _possible_answers(steps: dict[str, Step]) -> dict[str, list[AnswerValue]]:
    answers: dict[str, list[AnswerValue]] = {}
    for step in steps.values():
        # For a multi step, ticking everything is tried too, so `not` tests can be met.
        if step.kind == "multi":
            ids = list(step.option_ids)
            ticked: list[AnswerValue] = [[option] for option in ids]
            answers[step.id] = [*ticked, ids]
        else:
            answers[step.id] = list(step.option_ids)
    return answers
