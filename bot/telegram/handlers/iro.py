"""Handlers for IROs and managers: upcoming reviews, a child's views, invitations, outcomes."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from functools import partial

from telegram import Update
from telegram.ext import ContextTypes

from bot.app import iro_tools, texts
from bot.app.challenges import begin_challenge
from bot.app.dates import meeting_kind
from bot.app.joining import telegram_link
from bot.app.outcomes import begin_outcome
from bot.app.replies import Outcome
from bot.app.staff_flows import StaffFlowStart
from bot.app.web_chat import WEB_ROLE, browser_link
from bot.telegram.handlers.context import chat_and_user, deps
from bot.telegram.handlers.refusals import staff_only
from bot.telegram.handlers.sending import present, say, say_long, with_retries
from bot.telegram.update_keys import key_of
from conversations.flow_ids import FlowId

# A use case starting a staff flow (what the flow is about is bound in beforehand).
BeginStaffFlow = Callable[[StaffFlowStart], Awaitable[Outcome]]

# Whether the IRO has seen the child before, as /upcoming says it.
SEEN_KEYS = {True: "upcoming.seen_yes", False: "upcoming.seen_no", None: "upcoming.seen_unknown"}


@staff_only
async def list_upcoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List my reviews in the next 14 days, and how far each child and family has got."""
    chat_id, user_id = chat_and_user(update)
    reviews = await iro_tools.upcoming(deps(context).services, user_id)
    lines = [texts.message("upcoming.heading" if reviews else "upcoming.none")]
    for review in reviews:
        block = texts.message(
            "upcoming.review",
            day=f"{review.due_date:%a %d %b}",
            case_ref=review.case_ref,
            kind=meeting_kind(review.kind),
            child=review.child.words(),
            family=review.family.words(),
            seen=texts.message(SEEN_KEYS[review.seen_before]),
        )
        lines.append(f"\n{block}")
        lines.extend(
            "  " + texts.message("upcoming.asked", request=request) for request in review.requests
        )
    await say_long(context.bot, chat_id, "\n".join(lines))


def _day(text: str) -> date | None:
    """A meeting's day as an IRO types it: 07/12/2026."""
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def _case_ref(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    return context.args[0].strip().upper() if context.args else None


@staff_only
async def read_views(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the child's views for their next meeting, and send them as an HTML file."""
    chat_id, user_id = chat_and_user(update)
    case_ref = _case_ref(context)
    if case_ref is None:
        await say(context.bot, chat_id, texts.message("views.usage"))
        return
    bot_deps = deps(context)
    views = await iro_tools.read_views(bot_deps.services, user_id, case_ref)
    await say_long(context.bot, chat_id, views.text)
    document = io.BytesIO(views.html.encode("utf-8"))
    caption = texts.message("views.caption")
    await with_retries(
        lambda: context.bot.send_document(
            chat_id, document, filename=views.file_name, caption=caption
        )
    )
    await bot_deps.deliver_now()  # the child's read receipt


@staff_only
async def invite_someone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Make a one-time joining link for a child, parent or carer on my case."""
    chat_id, user_id = chat_and_user(update)
    args = context.args or []
    if len(args) != 2 or args[1].lower() not in ("child", "parent", "carer"):
        await say(context.bot, chat_id, texts.message("invite.usage"))
        return
    made = await iro_tools.invite(
        deps(context).services, user_id, args[0].upper(), args[1].lower()
    )
    username = context.bot.username
    where = (
        telegram_link(username, made.code)
        if username
        else texts.message("invite.code", code=made.code)
    )
    web_url = deps(context).services.settings.web_url
    if made.role == WEB_ROLE and web_url:
        browser = browser_link(web_url, made.code)
        where = texts.message("invite.both", telegram=where, browser=browser)
    days = deps(context).services.settings.invitation_days
    made_words = texts.message(
        "invite.made", role=made.role, case_ref=made.case_ref, days=days, where=where
    )
    await say(context.bot, chat_id, made_words)


@staff_only
async def record_outcome(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start recording the outcome of the child's latest meeting."""
    chat_id, _ = chat_and_user(update)
    case_ref = _case_ref(context)
    args = context.args or []
    due = _day(args[1]) if len(args) > 1 else None
    if case_ref is None or (len(args) > 1 and due is None):
        await say(context.bot, chat_id, texts.message("outcome.usage"))
        return
    begin = partial(begin_outcome, case_ref=case_ref, due=due)
    await _begin_flow(update, context, FlowId.outcome, begin)


@staff_only
async def record_challenge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start recording a challenge about the child (the issue resolution process)."""
    chat_id, _ = chat_and_user(update)
    case_ref = _case_ref(context)
    if case_ref is None or len(context.args or []) != 1:
        await say(context.bot, chat_id, texts.message("challenge.usage"))
        return
    begin = partial(begin_challenge, case_ref=case_ref)
    await _begin_flow(update, context, FlowId.challenge, begin)


async def _begin_flow(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    flow_id: FlowId,
    begin: BeginStaffFlow,
) -> None:
    """Start (or resume) a staff flow about a child with `begin`, and show its first step."""
    chat_id, user_id = chat_and_user(update)
    bot_deps = deps(context)
    flow = bot_deps.flows[flow_id]
    started = await begin(
        StaffFlowStart(bot_deps.services, flow, bot_deps.store, user_id, key_of(update))
    )
    await present(context.bot, chat_id, bot_deps, started)
