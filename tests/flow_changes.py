"""Changing a flow as a participation officer would: a folder of flows whose versions are kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conversations.flow_check import FLOWS_DIR, load_flows
from conversations.flow_versions import keep_versions


def kept_flows(tmp_path: Path, *flow_ids: str) -> Path:
    """A folder with copies of these packaged flows, each version kept in its archive/."""
    folder = tmp_path / "flows"
    folder.mkdir()
    for flow_id in flow_ids:
        shutil.copyfile(FLOWS_DIR / f"{flow_id}.yaml", folder / f"{flow_id}.yaml")
    keep_versions(folder)
    return folder


def change_flow(
    folder: Path,
    flow_id: str,
    *,
    reword: dict[str, str] | None = None,
    rename: dict[tuple[str, str], str] | None = None,
    remove: tuple[str, ...] = (),
    new_version: bool = True,
) -> int:
    """Rewrite a flow file: steps reworded, options renamed ((step, option): label), steps
    removed, and its version raised unless told not to. Returns the file's version."""
    data: dict[str, Any] = load_flows(folder)[flow_id].model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    data["steps"] = [step for step in data["steps"] if step["id"] not in remove]
    for step in data["steps"]:
        if step["id"] in (reword or {}):
            # English is reworded; the other languages stay as they were, as when a writer
            # changes the source before the translators catch up.
            step["text"] = {**step["text"], "en": (reword or {})[step["id"]]}
        for option in step["options"]:
            label = (rename or {}).get((step["id"], option["id"]))
            option["label"] = {**option["label"], "en": label} if label else option["label"]
    data["version"] += int(new_version)
    # JSON is YAML, and every id in it stays text.
    (folder / f"{flow_id}.yaml").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return int(data["version"])
