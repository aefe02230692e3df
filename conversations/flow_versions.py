"""Every version of every flow, so an answer is worded as it was asked.

A run records the flow version it was answered under (the newest, if the flow changed while
it was open: its summary was sent as worded there). When a participation officer rewords a
question, renames an option or removes a step, they raise the flow's `version`; answers given
under the old version must still read as the child saw them. So every version people have
answered is kept, word for word, in `flows/archive/<id>.v<version>.yaml`, the current one
included: the kept copy is the record of what that version said.

`mysay flows check` compares each flow with its kept copy and names what changed when the
version was not raised; `mysay flows keep` keeps a new version. The bot loads a
`FlowLibrary` and refuses to start on a flow that differs from its kept copy or is not kept.
Only wording counts as a change (the title; each step's id, kind, text and variants; option
ids and labels): conditions, replies, requests and comments can change within a version.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from conversations.flow_check import (
    FLOWS_DIR,
    FlowError,
    FlowProblem,
    load_flow,
    load_flow_files,
)
from conversations.flow_spec import Flow

ARCHIVE = "archive"

# The fields that word a flow's questions and answers, as `model_dump(include=...)` takes them.
_WORDING: Any = {
    "title": True,
    "steps": {
        "__all__": {
            "id": True,
            "kind": True,
            "text": True,
            "variants": True,
            "options": {"__all__": {"id", "label"}},
        }
    },
}


class FlowLibrary(Mapping[str, Flow]):
    """The current flows by id (what people answer now), and every version kept."""

    def __init__(
        self, current: Mapping[str, Flow], kept: Mapping[tuple[str, int], Flow] | None = None
    ) -> None:
        self._current = dict(current)
        # The kept copy of a version people answer now is never handed out (`at` and
        # `versions` give the current flow for it), so only older versions are held.
        self._kept = {
            (flow_id, version): flow
            for (flow_id, version), flow in (kept or {}).items()
            if flow_id not in self._current or self._current[flow_id].version != version
        }

    def __getitem__(self, flow_id: str) -> Flow:
        return self._current[flow_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current)

    def __len__(self) -> int:
        return len(self._current)

    def at(self, flow_id: str, version: int) -> Flow | None:
        """Return the flow as it was at `version`; the current one if that was never kept."""
        current = self._current.get(flow_id)
        if current is not None and current.version == version:
            return current
        return self._kept.get((flow_id, version), current)

    def versions(self, flow_id: str, first: int | None = None) -> list[Flow]:
        """Return every version of a flow: `first` (if known), then the rest newest first.

        Reports word an answer from the first of these that has its step and option, so an
        answer to a step removed while its run was open is still worded, from a version that
        has it.
        """
        found = {flow.version: flow for (fid, _), flow in self._kept.items() if fid == flow_id}
        current = self._current.get(flow_id)
        if current is not None:
            found[current.version] = current
        order = sorted(found, key=lambda version: (version != first, -version))
        return [found[version] for version in order]


def kept_path(directory: Path, flow_id: str, version: int) -> Path:
    """Where version `version` of a flow is kept, beside the flows in `directory`."""
    return directory / ARCHIVE / f"{flow_id}.v{version}.yaml"


def wording(flow: Flow) -> dict[str, Any]:
    """Return what words a flow's questions and answers; a change here needs a new version."""
    return flow.model_dump(include=_WORDING)


def load_library(directory: Path | str = FLOWS_DIR) -> FlowLibrary:
    """Load the flows in `directory` and their kept versions, raising `FlowError` on any problem.

    A flow whose version is not kept, or whose wording differs from its kept copy, is a
    problem: answers given under that version could no longer be worded as they were asked.
    """
    files, kept = _load(Path(directory), require_kept=True)
    return FlowLibrary({flow_id: flow for flow_id, (flow, _) in files.items()}, kept)


@lru_cache(maxsize=1)
def packaged_library() -> FlowLibrary:
    """The packaged flows and their kept versions, loaded once per process and shared.

    The bot, its records and reports all read the same files; loading them once keeps
    start-up and the first record read from paying for it twice.
    """
    return load_library()


def check_versions(directory: Path | str) -> list[FlowProblem]:
    """Return the version problems of the flows in `directory` (none if it keeps no archive).

    Expects the flow files themselves to load; check them first.
    """
    folder = Path(directory)
    if not (folder / ARCHIVE).is_dir():
        return []
    kept, problems = _read_kept(folder)
    return problems + _version_problems(load_flow_files(folder), kept, require_kept=True)


def keep_versions(directory: Path | str = FLOWS_DIR) -> list[Path]:
    """Keep a copy of every flow whose version is not kept yet; return the files written.

    Raises `FlowError` (writing nothing) if a flow changed without raising its version, since
    keeping it would overwrite what the old version said.
    """
    folder = Path(directory)
    files, kept = _load(folder, require_kept=False)
    (folder / ARCHIVE).mkdir(exist_ok=True)
    written = []
    for flow, path in sorted(files.values(), key=lambda pair: pair[0].id):
        if (flow.id, flow.version) not in kept:
            target = kept_path(folder, flow.id, flow.version)
            shutil.copyfile(path, target)
            written.append(target)
    return written


def _load(
    folder: Path, *, require_kept: bool
) -> tuple[dict[str, tuple[Flow, Path]], dict[tuple[str, int], Flow]]:
    """Load the flows in `folder` with the versions kept, raising `FlowError` on any problem."""
    files = load_flow_files(folder)
    kept, problems = _read_kept(folder)
    problems += _version_problems(files, kept, require_kept=require_kept)
    if problems:
        raise FlowError(problems)
    return files, kept


def _read_kept(folder: Path) -> tuple[dict[tuple[str, int], Flow], list[FlowProblem]]:
    kept: dict[tuple[str, int], Flow] = {}
    problems: list[FlowProblem] = []
    for path in sorted((folder / ARCHIVE).glob("*.yaml")):
        name = f"{ARCHIVE}/{path.name}"
        try:
            flow = load_flow(path, runs=False)
        except FlowError as exc:
            problems += [FlowProblem(name, p.step, p.field, p.message) for p in exc.problems]
            continue
        expected = kept_path(folder, flow.id, flow.version).name
        if path.name != expected:
            message = f"holds version {flow.version} of '{flow.id}', so must be named {expected}"
            problems.append(FlowProblem(name, None, None, message))
            continue
        kept[(flow.id, flow.version)] = flow
    return kept, problems


def _version_problems(
    files: Mapping[str, tuple[Flow, Path]],
    kept: Mapping[tuple[str, int], Flow],
    *,
    require_kept: bool,
) -> list[FlowProblem]:
    problems = []
    for flow, path in files.values():
        newest = max((version for flow_id, version in kept if flow_id == flow.id), default=0)
        copy = kept.get((flow.id, flow.version))
        if copy is None and require_kept:
            message = f"version {flow.version} is not kept in {ARCHIVE}/: run `mysay flows keep`"
            problems.append(FlowProblem(path.name, None, "version", message))
        changes = _changes(copy, flow) if copy is not None else []
        if changes:
            message = (
                f"is still {flow.version}, but {', '.join(changes)} changed since it was kept: "
                f"raise the version to {newest + 1} and run `mysay flows keep`"
            )
            problems.append(FlowProblem(path.name, None, "version", message))
        if newest > flow.version:
            message = f"is {flow.version}, but version {newest} is kept: versions only go up"
            problems.append(FlowProblem(path.name, None, "version", message))
    return problems


def _changes(before: Flow, after: Flow) -> list[str]:
    """Name what is worded differently: the title, and each step changed, added or removed."""
    old, new = wording(before), wording(after)
    names = ["the title"] if old["title"] != new["title"] else []
    old_steps = {step["id"]: step for step in old["steps"]}
    new_steps = {step["id"]: step for step in new["steps"]}
    for step_id in dict.fromkeys([*old_steps, *new_steps]):
        if old_steps.get(step_id) != new_steps.get(step_id):
            names.append(f"step '{step_id}'")
    return names
