"""Subject access: everything My Say holds about one child, decrypted, and the export audited.

The child is found by case reference whatever its capitals. The export holds the child's
row, meetings (with the IRO's notes to the child), the accounts linked to the child, the
invitations, every run with its answers (the words decrypted), safeguarding flags (with the
words), requests to a person (with the IRO's notes), the audit events about the child and
their accounts, and the summaries kept for the participation report. It holds nothing
about any other child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.app.admin import AdminError
from bot.app.ports import Services, UnitOfWork
from storage.models import Child, Participant

JsonDict = dict[str, Any]


async def find_child(uow: UnitOfWork, case_ref: str) -> Child:
    """The child with this case reference, capitals ignored (an exact match wins a tie).

    Raises:
        AdminError: No such child (saying so if the reference was erased), or several
            references differ only in capitals.
    """
    found = list(await uow.children.matching(case_ref))
    exact = [child for child in found if child.case_ref == case_ref.strip()]
    if len(found) == 1 or len(exact) == 1:
        return exact[0] if exact else found[0]
    if found:
        refs = ", ".join(child.case_ref for child in found)
        raise AdminError(
            f"case references {refs} differ only in capitals; type the one you mean exactly"
        )
    tombstone = await uow.erasure.tombstone(case_ref)
    if tombstone is not None:
        raise AdminError(
            f"the child with case reference {case_ref!r} was erased on "
            f"{tombstone.erased_at:%Y-%m-%d}; nothing that names them is held any more"
        )
    raise AdminError(f"no child with case reference {case_ref!r}")


async def export_child(services: Services, case_ref: str, actor: str = "cli") -> JsonDict:
    """Gather everything held about the child as JSON-ready data, and audit the export."""
    now = services.clock()
    async with services.uow() as uow:
        child = await find_child(uow, case_ref)
        participants = list(await uow.participants.for_child(child.id))
        data: JsonDict = {
            "case_ref": child.case_ref,
            "generated_at": _plain(now),
            "child": await _child(uow, child),
            "reviews": await _reviews(uow, child.id),
            **await _episodes(uow, child.id),
            "participants": [
                _row(p, "id", "role", "telegram_id", "locale", "created_at") for p in participants
            ],
            "invitations": [
                _row(i, "id", "role", "created_at", "expires_at", "used_at", "used_by_id")
                for i in await uow.child_records.invitations(child.id)
            ],
            "runs": await _runs(uow, child.id, participants),
            "flags": await _flags(uow, child.id),
            "requests": [
                {
                    **_row(r, "id", "run_id", "review_id", "kind", "about", "status"),
                    **_row(r, "created_at", "seen_at", "done_at"),
                    "note": uow.requests.note(r),
                }
                for r in await uow.child_records.requests(child.id)
            ],
            "audit_events": [
                _row(event, "id", "at", "actor", "action", "detail")
                for event in await uow.child_records.audit_events(
                    child.id, [p.id for p in participants]
                )
            ],
            "kept_for_figures": await _kept(uow, child.id),
        }
        uow.audit.record(now, actor, "subject_access_exported", child.id)
        await uow.commit()
    return data


def _plain(value: Any) -> Any:
    """A value as JSON has it: dates and times in ISO 8601."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(item: Any, *names: str) -> JsonDict:
    return {name: _plain(getattr(item, name)) for name in names}


async def _child(uow: UnitOfWork, child: Child) -> JsonDict:
    iro = await uow.staff.get(child.iro_id) if child.iro_id else None
    row = _row(child, "case_ref", "birth_date", "gender", "ethnicity", "legal_status")
    return {**row, "iro": iro.username if iro else None, "added_at": _plain(child.created_at)}


async def _reviews(uow: UnitOfWork, child_id: int) -> list[JsonDict]:
    names = ("id", "kind", "due_date", "held_on", "participation", "seen_before")
    return [
        {
            **_row(review, *names, "in_timescale"),
            "note_to_child": uow.reviews.note_to_child(review),
        }
        for review in await uow.child_records.reviews(child_id)
    ]


async def _episodes(uow: UnitOfWork, child_id: int) -> JsonDict:
    """What the annual report counts of the child: care, plans, IROs and challenges."""
    records = uow.child_records
    span = ("started_on", "ended_on")
    iros = {s.id: s.username for s in await uow.staff.list()}
    return {
        "care_episodes": [
            _row(e, *span, "legal_status") for e in await records.care_episodes(child_id)
        ],
        "plans": [_row(p, *span, "category") for p in await records.plans(child_id)],
        "allocations": [
            {**_row(a, *span), "iro": iros.get(a.iro_id)}
            for a in await records.allocations(child_id)
        ],
        "challenges": [
            {
                **_row(c, "raised_on", "category", "stage", "resolved_on", "outcome"),
                "raised_by": iros.get(c.raised_by_id) if c.raised_by_id else None,
            }
            for c in await records.challenges(child_id)
        ],
    }


async def _runs(uow: UnitOfWork, child_id: int, participants: list[Participant]) -> list[JsonDict]:
    roles = {participant.id: participant.role for participant in participants}
    found = []
    for run in await uow.child_records.runs(child_id):
        answers = [
            {
                **_row(answer, "step_id", "kind", "choice", "theme", "sentiment"),
                "text": uow.runs.answer_text(answer),
                "text_themes": uow.runs.answer_themes(answer),
                "answered_at": _plain(answer.answered_at),
            }
            for answer in await uow.runs.answers(run.id)
        ]
        names = ("id", "review_id", "flow_id", "flow_version", "status", "share_with")
        dates = ("started_at", "updated_at", "submitted_at", "read_by_iro_at")
        found.append(
            {
                **_row(run, *names, *dates),
                "by": roles.get(run.participant_id, "staff"),
                "participant_id": run.participant_id,
                "answers": answers,
            }
        )
    return found


async def _flags(uow: UnitOfWork, child_id: int) -> list[JsonDict]:
    names = ("id", "level", "categories", "status", "question", "created_at", "respond_by")
    done = ("acknowledged_at", "escalated_at", "closed_at")
    return [
        {
            **_row(flag, *names, *done),
            "text": uow.flags.text(flag),
            "close_note": uow.flags.close_note(flag),
        }
        for flag in await uow.child_records.flags(child_id)
    ]


async def _kept(uow: UnitOfWork, child_id: int) -> JsonDict:
    runs = await uow.child_records.run_summaries(child_id)
    answers = await uow.child_records.answer_summaries([run.id for run in runs])
    names = ("id", "review_id", "role", "flow_id", "status", "started_at", "submitted_at")
    return {
        "runs": [
            {
                **_row(run, *names),
                "answers": [
                    _row(answer, "step_id", "kind", "choice")
                    | {"text_themes": uow.runs.answer_themes(answer)}
                    for answer in answers
                    if answer.run_summary_id == run.id
                ],
            }
            for run in runs
        ],
        "invitations": [
            _row(invitation, "role", "created_at", "used_at")
            for invitation in await uow.child_records.invitation_summaries(child_id)
        ],
    }
