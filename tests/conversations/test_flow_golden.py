"""Golden transcripts: every packaged flow run from a script, with a fixed clock.

Each transcript is what `mysay flows run` prints for the script, followed by the stored run.
After an intended change to a flow or to the engine, regenerate them with

    MYSAY_UPDATE_GOLDEN=1 .venv/bin/pytest tests/conversations

and review the diff of tests/conversations/golden/ like code. (An environment variable rather
than a `--update-golden` option, because pytest only reads options from the root conftest.)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from conversations.flow_spec import Flow
from conversations.runner import run_conversation
from conversations.runs import RunContext, RunStatus

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE = os.environ.get("MYSAY_UPDATE_GOLDEN") == "1"

# One typed line per input, as a person would type them into `mysay flows run`.
SCRIPTS: dict[str, tuple[RunContext, str]] = {
    "child_before_review": (
        RunContext("child", "13_plus", "cla_review"),
        """\
4
I like my room but the dog is loud
9
3
skip
2
I want to see my brother more
back
I want to see my brother and my nan more
4
skip
football on Saturdays
2
Getting on with my carer
skip
More time with my brother
1
2
6
1
done
3
1
2
skip
1
change 15
4
send
""",
    ),
    "child_before_conference": (
        RunContext("child", "under_8", "rcpc"),
        """\
I get scared when there is shouting
My cat and my nan
skip
Mum's house is calmer
Nan
3
4
2
save
change 3
A big garden
send
""",
    ),
    "child_after_review": (
        RunContext("child", "8_12", "cla_review"),
        """\
2
3
What happens with contact
1
6
4
Shorter meetings
1
change 2
1
send
""",
    ),
    "parent_feedback": (
        RunContext("parent", None, "icpc"),
        """\
2
1
2
1
4
The meeting started late.
yes
send
""",
    ),
    "checkin": (
        RunContext("child", "8_12", None),
        """\
0
5
back
4
Had a good week at school
no
send
""",
    ),
    "iro_outcome": (
        RunContext("iro", None, "cla_review"),
        """\
next tuesday
03/03/2025
yes
7
yes
We agreed you will stay with Sam and see your brother every Saturday.
change 1
2025-03-02
send
""",
    ),
    "iro_challenge": (
        RunContext("iro", case_ref="C001"),
        """\
02/11/2024
1
2
yes
20/11/2024
2
change 3
4
send
""",
    ),
}


def transcript(flow: Flow, context: RunContext, script: str, clock: Callable[[], datetime]) -> str:
    """Run the script through the terminal runner and return everything it printed."""
    output = [f"flow: {flow.id} v{flow.version}", f"context: {context}", ""]
    lines = iter(script.splitlines())
    run = run_conversation(
        flow, context, lambda: next(lines, None), output.append, clock, echo=True
    )
    assert run.status is RunStatus.submitted, "a golden script should end by sending"
    assert next(lines, None) is None, "the run ended before the script did"
    output += ["", "--- stored run ---", json.dumps(run.to_dict(), indent=2, ensure_ascii=False)]
    return "\n".join(output) + "\n"


@pytest.mark.parametrize("flow_id", sorted(SCRIPTS))
def test_golden_transcript(
    flow_id: str, packaged_flows: dict[str, Flow], clock: Callable[[], datetime]
) -> None:
    context, script = SCRIPTS[flow_id]
    actual = transcript(packaged_flows[flow_id], context, script, clock)
    golden = GOLDEN_DIR / f"{flow_id}.txt"
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file; run with MYSAY_UPDATE_GOLDEN=1 to create {golden}"
    assert actual == golden.read_text(encoding="utf-8")


def test_every_packaged_flow_has_a_golden_script(packaged_flows: dict[str, Flow]) -> None:
    assert set(SCRIPTS) == set(packaged_flows)
