"""What the bot says outside flows: welcome, help, privacy, help now, and gentle refusals.

Flow questions live in the flow files; these are the bot's own words, kept together so they
can be read (and later translated) in one place. Plain text only: no Markdown to escape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conversations.safeguarding.model import PARENT_CATEGORIES, Level

if TYPE_CHECKING:
    from bot.app.safeguarding import Screened

CHILDLINE = "Childline: call 0800 1111 (free, any time) or chat at childline.org.uk"
EMERGENCY = "If you are in danger right now, call 999."

WELCOME_NO_CODE = (
    "Hello! This is My Say.\n\n"
    "My Say helps you get ready for your review or meeting, so your Independent Reviewing "
    "Officer (IRO) knows what you think and feel.\n\n"
    "To start, you need an invitation link from your IRO. Ask them, or your social worker, "
    "to send you one.\n\n"
    "/helpnow - who to talk to if you need help now\n/privacy - what we keep and who sees it"
)

WELCOME = {
    "child": (
        "Welcome to My Say! You are now linked to your IRO's service.\n\n"
        "When you are ready, type /review to get ready for your next meeting. "
        "You can stop and carry on later whenever you like.\n\n/help shows everything I can do."
    ),
    "parent": (
        "Welcome to My Say. You can tell the service how the meeting went for you.\n\n"
        "Type /feedback to start. /help shows everything I can do."
    ),
    "carer": (
        "Welcome to My Say. You can tell the service how the meeting went for you.\n\n"
        "Type /feedback to start. /help shows everything I can do."
    ),
    "staff": (
        "Welcome to My Say. Your Telegram account is now linked to your staff account.\n\n"
        "/upcoming - your reviews in the next 14 days\n/flags - safeguarding flags to act on\n"
        "/requests - what children have asked you for\n/help - everything else"
    ),
}

ALREADY_JOINED = "You are already linked. /help shows what you can do."
CODE_REFUSED = {
    "unknown": (
        "Sorry, I don't recognise that invitation. Please check the link, or ask your IRO "
        "for a new one."
    ),
    "expired": "That invitation has expired. Please ask your IRO for a new link.",
    "used": (
        "That invitation has already been used. If that wasn't you, please tell your IRO. "
        "They can send you a new link."
    ),
    "too_many_tries": (
        "That's a lot of tries. Please wait a little while, then try the link from your IRO again."
    ),
    "family_account": (
        "This Telegram account is linked to a child or family, so it can't be used for a staff "
        "account. Please open the staff link from your own work account."
    ),
    "staff_elsewhere": (
        "That staff account is already linked to another Telegram account. If you have a new "
        "phone or account, ask your manager or the My Say admin for a move link."
    ),
}

HELP = {
    "child": (
        "Here is what I can do:\n"
        "/review - get ready for your next review or meeting\n"
        "/feedback - tell us how your last meeting went\n"
        "/checkin - a quick check-in between meetings\n"
        "/myanswers - what you sent, and who can see it\n"
        "/privacy - what we keep and who sees it\n"
        "/helpnow - who to talk to if you need help now\n"
        "/cancel - stop what you are doing (nothing is shared)"
    ),
    "parent": (
        "Here is what I can do:\n"
        "/feedback - tell the IRO service how a meeting about your child went for you\n"
        "/myanswers - what you sent\n"
        "/privacy - what we keep and who sees it\n"
        "/helpnow - who to contact if a child needs help now\n"
        "/cancel - stop what you are doing (nothing is shared)"
    ),
    "staff": (
        "Staff commands:\n"
        "/upcoming - your reviews in the next 14 days\n"
        "/views CASE_REF - the child's views for their next meeting\n"
        "/invite CASE_REF child|parent|carer - a joining link to pass on\n"
        "/outcome CASE_REF - record how the last meeting went\n"
        "/flags - safeguarding flags to act on\n"
        "/close FLAG_NUMBER NOTE - close a flag with a note\n"
        "/requests - what children have asked you for (they hear you have seen it)\n"
        "/done REQUEST_NUMBER NOTE - mark a request done; the child receives the note"
    ),
    "none": WELCOME_NO_CODE,
}
HELP["carer"] = HELP["parent"]

PRIVACY_FOR_PARENTS = (
    "What My Say keeps, and who sees it:\n\n"
    "- Your feedback, kept safe and encrypted. We don't keep your Telegram name or username.\n"
    "- Nothing is shared until you press Send. Your feedback goes to the IRO service (the "
    "IRO and their managers) to make meetings better for families. It is not shared with "
    "your child.\n"
    "- If you write something that suggests a child is not safe, the IRO and their manager "
    "will be told, as any professional would be.\n"
    "- The service keeps your feedback for as long as its records policy says, then deletes "
    "it. You can ask the service for a copy of everything it holds about you (a subject "
    "access request).\n\n"
    "/myanswers shows what you sent."
)

PRIVACY = (
    "What My Say keeps, and who sees it:\n\n"
    "- Your answers, kept safe and encrypted. We don't keep your Telegram name or username.\n"
    "- Nothing is shared until you press Send. When you send, you choose who can see it: "
    "only your IRO, your IRO and social worker, or everyone at your meeting.\n"
    "- If you write something that makes us worried you are not safe, your IRO (and their "
    "manager) will be told, so they can help.\n"
    "- Your IRO's service keeps your answers for as long as the law says they must keep "
    "your records, then they are deleted.\n\n"
    "/myanswers shows what you sent."
)

HELP_NOW = (
    "If you need help now:\n\n"
    f"- {EMERGENCY}\n"
    f"- {CHILDLINE}\n"
    "- Your IRO's service: call your local children's services; out of hours, their "
    "emergency duty team.\n\n"
    "You can carry on with My Say whenever you want."
)

SUPPORT_URGENT = (
    "Thank you for telling me. You did the right thing.\n\n"
    "Your IRO will be told today, so they can help keep you safe.\n\n"
    f"{EMERGENCY}\n{CHILDLINE}\n\n"
    "You can carry on with your answers if you want to, or stop here."
)

SUPPORT_CONCERN = (
    "Thank you for telling me. Your IRO will read this and can help. "
    "If you need to talk to someone now, type /helpnow."
)

# A parent's or carer's words get replies written for adults: their own crisis lines, and
# for worries about the plan, advice for families rather than Childline.
SUPPORT_URGENT_PARENT = (
    "Thank you for telling us. The IRO will be told today.\n\n"
    "If a child or anyone else is in danger right now, call 999.\n"
    "If you are struggling yourself, Samaritans are there day and night: call 116 123 "
    "(free).\n\n"
    "You can carry on with your answers, or stop here."
)
SUPPORT_CONCERN_PARENT = (
    "Thank you for telling us. The IRO will read this and follow it up with you. "
    "If a child is in danger right now, call 999."
)
PARENT_WORRY = (
    "Thank you for telling us how you feel. The IRO will read this before the meeting. "
    "For free, independent advice about social care and the plan for your child, Family "
    "Rights Group's advice line is 0808 801 0366."
)


def support_reply(screened: Screened) -> str | None:
    """The words to send back first when screening found something, by who wrote it."""
    parent = screened.author in ("parent", "carer")
    if screened.level is Level.URGENT:
        return SUPPORT_URGENT_PARENT if parent else SUPPORT_URGENT
    if screened.level is Level.CONCERN:
        return SUPPORT_CONCERN_PARENT if parent else SUPPORT_CONCERN
    if parent and set(screened.assessment.categories) & PARENT_CATEGORIES:
        return PARENT_WORRY
    return None


NOTICES = {
    "not_linked": WELCOME_NO_CODE,
    "staff_only": "That is for children and families. /help shows the staff commands.",
    "no_review": (
        "You don't have a review or meeting booked yet. Your IRO will let you know. "
        "You can use /checkin any time."
    ),
    "no_meeting_yet": (
        "You can give feedback after your meeting. /review helps you get ready for it."
    ),
    "no_open_run": (
        "Thanks for your message. I'm not asking you anything at the moment. "
        "/help shows what you can do."
    ),
    "stale_button": "That button is from an earlier message. Here is where we are now:",
    "resumed": "Welcome back! Let's carry on where you left off.",
    "duplicate": "",
    "cancelled_nothing": "There is nothing to cancel.",
    "no_meeting_that_day": (
        "This child has no meeting due that day. /outcome CASE_REF alone picks the latest."
    ),
    "outcome_replaces": (
        "An outcome is already recorded for this meeting. Sending this one replaces it; "
        "Cancel keeps the one recorded."
    ),
    "checkin_for_children": (
        "Check-ins are for children and young people. You can tell the IRO service how a "
        "meeting went for you with /feedback."
    ),
    "other_paused": (
        "Your other answers are saved for later, so nothing is lost. Let's do this first."
    ),
    "already_sent": (
        "You already sent your views for this meeting, and your IRO has them. "
        "Anything you send now is added to them."
    ),
}

SAVED = "Saved. Nothing has been shared. Type /review (or the command you used) to carry on."
CANCELLED = "Stopped. Nothing was shared. You can start again any time."
NOT_SUPPORTED = (
    "I can only read typed words and button presses, so I can't use that. "
    "Please type your answer or press a button."
)
EDITED = (
    "I saw you edited a message. I keep what you first sent. To change an answer, "
    "use Change on the summary before you send."
)
PRIVATE_CHATS_ONLY = "My Say's buttons only work in your private chat with the bot."
UNKNOWN_COMMAND = "I don't know that command. /help shows what I can do."
STAFF_ONLY_COMMAND = "Sorry, that command is only for IROs and managers."
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
SAVING_LATER = (
    "I couldn't save that just now. I've kept it and I'll keep trying, so you don't need "
    "to send it again."
)


def read_receipt(what: str) -> str:
    """'Your IRO has read your check-in from 1 December.'"""
    return f"Your IRO has read {what}."
