"""Evaluate `when` conditions, and find out whether one can ever hold.

A condition reads the run's context (audience, age band, review kind) and answers to earlier
steps. A context value that is not known (None) matches no list, so `age_band: [under_8]` is
false when the age is unknown and `not: {age_band: [under_8]}` is true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import product

from conversations.flow_spec import AGE_BANDS, Condition
from conversations.review_kinds import REVIEW_KINDS
from conversations.runs import AnswerValue, RunContext

# Past this many combinations `can_hold` gives the benefit of the doubt rather than stall.
_MAX_COMBINATIONS = 50_000
# Ages tried for `child_age_under`: a baby and a teenager.
_AGES = (0, 16)


def holds(condition: Condition, answers: Mapping[str, AnswerValue], context: RunContext) -> bool:
    """Say whether every test in `condition` is true for these answers and this context."""
    tests = [
        condition.age_band is None or context.age_band in condition.age_band,
        condition.review_kind is None or context.review_kind in condition.review_kind,
        condition.audience is None or context.audience in condition.audience,
        condition.child_age_under is None
        or (context.child_age is not None and context.child_age < condition.child_age_under),
        condition.answer is None
        or _answer_in(answers.get(condition.answer.step), condition.answer.in_),
        condition.all_ is None or all(holds(c, answers, context) for c in condition.all_),
        condition.any_ is None or any(holds(c, answers, context) for c in condition.any_),
        condition.not_ is None or not holds(condition.not_, answers, context),
    ]
    return all(tests)


def _answer_in(answer: AnswerValue | None, option_ids: Sequence[str]) -> bool:
    if isinstance(answer, list):
        return any(option in option_ids for option in answer)
    return answer in option_ids


def referenced_steps(condition: Condition) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Yield (step id, option ids) for every answer test inside `condition`."""
    if condition.answer is not None:
        yield condition.answer.step, condition.answer.in_
    for child in (*(condition.all_ or ()), *(condition.any_ or ())):
        yield from referenced_steps(child)
    if condition.not_ is not None:
        yield from referenced_steps(condition.not_)


def can_hold(
    condition: Condition,
    audiences: Sequence[str],
    possible_answers: Mapping[str, Sequence[AnswerValue]],
) -> bool:
    """Say whether some context and some answers to the referenced steps make it true.

    `possible_answers` maps each referenced step to the answers it can take; an unanswered
    step is always tried too. Used by flow checks to find steps that can never be asked.
    """
    steps = sorted({step for step, _ in referenced_steps(condition)})
    choices = [[None, *possible_answers.get(step, ())] for step in steps]
    contexts = [
        RunContext(audience=audience, age_band=band, review_kind=kind, child_age=age)
        for audience in audiences
        for band in (None, *AGE_BANDS)
        for kind in (None, *REVIEW_KINDS)
        for age in (None, *_AGES)
    ]
    combinations = len(contexts)
    for options in choices:
        combinations *= len(options)
    if combinations > _MAX_COMBINATIONS:
        return True
    for values in product(*choices):
        answers = {step: value for step, value in zip(steps, values, strict=True) if value}
        if any(holds(condition, answers, context) for context in contexts):
            return True
    return False
