"""The review-record summary: what one child (and their family) said before one review.

`build_review_record` gathers it through the unit of work and writes an audit event; the
renderers in `feedback_reports.render_record` turn the value into text, Markdown or HTML.
Only submitted runs the participant chose to share with the reader are included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from conversations.flow_versions import FlowLibrary
from conversations.sharing import READERS, Reader
from conversations.step_roles import StepRole
from feedback_reports import labels, queries
from feedback_reports.labels import AnswerWords
from feedback_reports.record_model import (
    AnswerLine,
    Change,
    FamilyFeedback,
    FlagLine,
    Mood,
    Outcome,
    ReportError,
    RequestLine,
    ReviewRecord,
    TakingPart,
    ThemeGroup,
)
from feedback_reports.timescale import in_timescale, in_timescale_words
from storage.models import Answer, Review, Run
from storage.uow import UnitOfWork

THEME_TITLES = {
    "home": "Home",
    "school": "School or college",
    "family_contact": "Family time",
    "health": "Health",
    "friends_activities": "Friends and things I enjoy",
    "feelings": "Feelings",
    "safety": "Feeling safe",
    "plan": "My plan",
    "meeting": "My meeting",
    "iro": "My IRO",
    "other": "Anything else",
}
# Who reads a record, in the words of its notes (`conversations.sharing` lists the readers).
READER_WORDS: dict[Reader, str] = {
    "iro": "the IRO",
    "social_worker": "the IRO and the child's social worker",
    "meeting": "everyone at the meeting",
}
# Steps shown in "How I want to take part" rather than under a theme, by their role.
TAKING_PART_ROLES = ("attendance", "talk_first", "advocate")
# Who may read is obeyed (see `queries.visible_to`), not shown.
NOT_SHOWN_ROLES = frozenset({"share_with"})
# Each run's answers, by run id.
Answers = dict[int, list[Answer]]


async def build_review_record(
    uow: UnitOfWork,
    case_ref: str,
    review_id: int | None = None,
    reader: Reader = "iro",
    actor: str = "cli",
    *,
    now: datetime | None = None,
    flows: FlowLibrary | None = None,
) -> ReviewRecord:
    """Gather one review's record for `reader`, record the read in the audit log, and commit.

    Answers are worded from the flow version each run was answered under (`flows`, the
    packaged flows and their kept versions by default). Committing here keeps the audit event
    even if the caller fails while rendering. Raises `ReportError` for an unknown child,
    review or reader.
    """
    if reader not in READERS:
        raise ReportError(f"reader must be one of {', '.join(READERS)}")
    now = now or datetime.now(UTC)
    words = AnswerWords(flows) if flows is not None else labels.packaged_words()
    child = await uow.children.by_case_ref(case_ref)
    if child is None:
        raise ReportError(f"no child with case reference {case_ref!r}")
    review = await _pick_review(uow, child.id, review_id, now.date())
    session = uow.session
    runs = await queries.submitted_runs(session, review.id, reader)
    child_runs = [run for run, role in runs if role == "child"]
    family_runs = [(run, role) for run, role in runs if role in ("parent", "carer")]
    previous = await queries.previous_review(session, review)
    checkins = await queries.checkins_between(
        session,
        child.id,
        (previous.held_on or previous.due_date) if previous else None,
        review.held_on or review.due_date,
        reader,
    )
    earlier_runs = (
        [run for run, role in await queries.submitted_runs(session, previous.id, reader)]
        if previous
        else []
    )
    everything = [*child_runs, *checkins, *(run for run, _ in family_runs), *earlier_runs]
    answers = await queries.answers_by_run(session, [run.id for run in everything])
    # Flags are about safety, and requests may be too (a check-in asking to talk), so they
    # are for the IRO and social worker, not the whole meeting.
    own_run_ids = [run.id for run in child_runs + checkins]
    private = reader != "meeting"
    flags = await queries.flags_for(session, child.id, own_run_ids) if private else []
    requests = await queries.requests_for(session, child.id, own_run_ids) if private else []
    record = ReviewRecord(
        case_ref=child.case_ref,
        review_id=review.id,
        review_kind=labels.KIND_WORDS.get(review.kind, review.kind),
        due_date=review.due_date,
        held_on=review.held_on,
        reader=reader,
        reader_words=READER_WORDS[reader],
        generated_at=now,
        child_runs=len(child_runs),
        withheld_runs=await queries.withheld_child_runs(session, review.id, reader),
        previous_review_due=previous.due_date if previous else None,
        taking_part=_taking_part(words, child_runs, answers),
        themes=_themes(uow, words, child_runs, answers),
        moods=_moods(words, [*checkins, *child_runs], answers),
        changes=_changes(words, child_runs, earlier_runs, answers),
        flags=tuple(FlagLine(f.level, f.status, f.created_at.date()) for f in flags),
        requests=tuple(RequestLine(r.about, r.status, r.created_at.date()) for r in requests),
        family=tuple(
            FamilyFeedback(role, _day(run.submitted_at), _lines(uow, words, run, answers[run.id]))
            for run, role in family_runs
        ),
        outcome=_outcome(review, uow.reviews.note_to_child(review)),
        notes=_notes(reader, len(child_runs)),
    )
    uow.audit.record(
        now,
        actor,
        "report_record_generated",
        child.id,
        review_id=review.id,
        reader=reader,
        runs=len(everything),
    )
    await uow.commit()
    return record


async def _pick_review(
    uow: UnitOfWork, child_id: int, review_id: int | None, today: date
) -> Review:
    if review_id is None:
        review = await queries.default_review(uow.session, child_id, today)
        if review is None:
            raise ReportError("this child has no reviews or conferences yet")
        return review
    review = await uow.reviews.get(review_id)
    if review is None or review.child_id != child_id:
        raise ReportError(f"review {review_id} is not one of this child's reviews")
    return review


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment else None


def _words(words: AnswerWords, run: Run, answer: Answer) -> str:
    """Return an option answer in the words of the run's flow version."""
    return words.choices(run.flow_id, run.flow_version, answer.step_id, answer.kind, answer.choice)


def _line(uow: UnitOfWork, words: AnswerWords, run: Run, answer: Answer) -> AnswerLine:
    asked = words.question(run.flow_id, run.flow_version, answer.step_id)
    if answer.kind != "text":
        return AnswerLine(asked, _words(words, run, answer))
    own = uow.runs.answer_text(answer) or ""
    mentions = tuple(
        labels.THEME_WORDS.get(theme, theme.replace("_", " "))
        for theme in (uow.runs.answer_themes(answer) or "").split(",")
        if theme and theme != answer.theme
    )
    return AnswerLine(asked, own, own_words=True, mentions=mentions, locale=run.locale)


def _lines(
    uow: UnitOfWork, words: AnswerWords, run: Run, answers: list[Answer]
) -> tuple[AnswerLine, ...]:
    return tuple(
        _line(uow, words, run, a) for a in answers if _role(words, run, a) not in NOT_SHOWN_ROLES
    )


def _role(words: AnswerWords, run: Run, answer: Answer) -> StepRole | None:
    return words.role(run.flow_id, run.flow_version, answer.step_id)


def _is_mood(answer: Answer) -> bool:
    return answer.kind == "scale" and answer.choice in labels.FACES


def _is_who(answer: Answer) -> bool:
    return answer.kind == "multi" and answer.theme == "meeting"


def _taking_part(words: AnswerWords, runs: list[Run], answers: Answers) -> TakingPart:
    found: dict[str, str] = {}
    who: tuple[str, ...] = ()
    for run in runs:  # oldest first, so the latest answer wins
        for answer in answers[run.id]:
            role = _role(words, run, answer)
            if role in TAKING_PART_ROLES:
                found[role] = _words(words, run, answer)
            elif _is_who(answer) and answer.choice:
                ids = answer.choice.split(",")
                asked = (run.flow_id, run.flow_version, answer.step_id)
                who = tuple(words.option(*asked, i).words for i in ids)
    return TakingPart(
        attend=found.get("attendance"),
        talk_to_iro_first=found.get("talk_first"),
        advocate=found.get("advocate"),
        who_at_meeting=who,
    )


def _themes(
    uow: UnitOfWork, words: AnswerWords, runs: list[Run], answers: Answers
) -> tuple[ThemeGroup, ...]:
    grouped: dict[str, list[AnswerLine]] = {}
    for run in runs:
        for answer in answers[run.id]:
            role = _role(words, run, answer)
            special = role in TAKING_PART_ROLES or role in NOT_SHOWN_ROLES
            if special or _is_who(answer) or _is_mood(answer):
                continue
            theme = answer.theme if answer.theme in THEME_TITLES else "other"
            grouped.setdefault(theme, []).append(_line(uow, words, run, answer))
    return tuple(
        ThemeGroup(theme, title, tuple(grouped[theme]))
        for theme, title in THEME_TITLES.items()
        if theme in grouped
    )


def _moods(words: AnswerWords, runs: list[Run], answers: Answers) -> tuple[Mood, ...]:
    moods = []
    for run in runs:
        for answer in answers[run.id]:
            if _is_mood(answer) and answer.choice:
                asked = (run.flow_id, run.flow_version, answer.step_id)
                chosen = words.option(*asked, answer.choice)
                moods.append(
                    Mood(words.question(*asked), chosen.words, chosen.face, _day(run.submitted_at))
                )
    return tuple(moods)


def _scales(runs: list[Run], answers: Answers) -> dict[tuple[str, str], tuple[int, str]]:
    """The latest answer to each scale step, with the flow version it was given in."""
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for run in runs:
        for answer in answers[run.id]:
            if answer.kind == "scale" and answer.choice:
                latest[(run.flow_id, answer.step_id)] = (run.flow_version, answer.choice)
    return latest


def _changes(
    words: AnswerWords, runs: list[Run], earlier: list[Run], answers: Answers
) -> tuple[Change, ...]:
    now, before = _scales(runs, answers), _scales(earlier, answers)
    changes = []
    for (flow_id, step_id), (version, choice) in now.items():
        if (flow_id, step_id) not in before:
            continue
        old_version, old = before[(flow_id, step_id)]
        new_rank = words.rank(flow_id, version, step_id, choice)
        old_rank = words.rank(flow_id, old_version, step_id, old)
        if new_rank is None or old_rank is None:
            continue
        direction = "better" if new_rank > old_rank else "worse" if new_rank < old_rank else "same"
        changes.append(
            Change(
                words.question(flow_id, version, step_id),
                words.option(flow_id, old_version, step_id, old).words,
                words.option(flow_id, version, step_id, choice).words,
                direction,
            )
        )
    return tuple(changes)


def _outcome(review: Review, note_to_child: str | None) -> Outcome | None:
    if review.participation is None and review.held_on is None:
        return None
    return Outcome(
        participation=review.participation,
        participation_words=labels.PARTICIPATION_WORDS.get(review.participation or ""),
        seen_before=review.seen_before,
        held_on=review.held_on,
        # The report's definition: what was recorded, else held by the due date.
        in_timescale=in_timescale(review.in_timescale, review.due_date, review.held_on),
        in_timescale_words=in_timescale_words(
            review.in_timescale, review.due_date, review.held_on
        ),
        note_to_child=note_to_child,
    )


def _notes(reader: Reader, child_runs: int) -> tuple[str, ...]:
    notes = [
        f"Shows only what was sent and shared with {READER_WORDS[reader]}.",
    ]
    if child_runs == 0:
        notes.insert(0, "The child has not sent any views for this meeting that you can see.")
    return tuple(notes)
