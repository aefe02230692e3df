"""Children's web chats: the browser each is open in (by the hash of its token), and the PIN."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from storage.models import WebChat
from storage.repositories.base import Repository
from storage.repositories.people import hash_code


class WebChatRepository(Repository):
    def add(self, chat: WebChat) -> WebChat:
        self.session.add(chat)
        return chat

    async def get(self, chat_id: int) -> WebChat | None:
        return await self.session.get(WebChat, chat_id)

    async def for_child(self, child_id: int) -> WebChat | None:
        return await self.session.scalar(select(WebChat).where(WebChat.child_id == child_id))

    async def opened_by(self, invitation_id: int) -> WebChat | None:
        """The web chat this invitation's link opens, if it still does."""
        query = select(WebChat).where(WebChat.invitation_id == invitation_id)
        return await self.session.scalar(query)

    async def by_token(self, token: str) -> WebChat | None:
        """The web chat open in the browser holding `token`, if any."""
        query = select(WebChat).where(WebChat.token_hash == hash_code(token))
        return await self.session.scalar(query)

    @staticmethod
    def bind(chat: WebChat, token: str, now: datetime) -> None:
        """Open the chat in the browser holding `token`; any other browser loses it."""
        chat.token_hash = hash_code(token)
        chat.bound_at = chat.last_seen_at = now

    async def end_for_child(self, child_id: int) -> bool:
        """Close the child's web chat in every browser and forget its link and PIN; tell
        whether there was one open to close."""
        result = await self.session.execute(
            update(WebChat)
            .where(WebChat.child_id == child_id)
            .values(token_hash=None, invitation_id=None, pin_hash=None, pin_failures=0)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def delete_for_child(self, child_id: int) -> None:
        await self.session.execute(delete(WebChat).where(WebChat.child_id == child_id))
