"""Reading the project's YAML files (flows, catalogues, screening rules and lexicons) fast.

libyaml reads a file many times faster than PyYAML's pure Python parser, and both give the
same values; pure Python is kept for an installation built without libyaml.
"""

from __future__ import annotations

from typing import Any

import yaml

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """The values of one YAML document, read safely (no tags that run code)."""
    return yaml.load(text, Loader=SAFE_LOADER)
