"""indexes for the background sweeps and housekeeping

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_event_actor_action_at", "audit_event", ["actor", "action", "at"])
    op.create_index("ix_outbox_message_due", "outbox_message", ["sent_at", "next_attempt_at"])
    op.create_index("ix_review_not_held_due", "review", ["held_on", "due_date"])
    op.create_index(op.f("ix_processed_update_processed_at"), "processed_update", ["processed_at"])
    op.create_index(op.f("ix_invitation_expires_at"), "invitation", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitation_expires_at"), table_name="invitation")
    op.drop_index(op.f("ix_processed_update_processed_at"), table_name="processed_update")
    op.drop_index("ix_review_not_held_due", table_name="review")
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_index("ix_audit_event_actor_action_at", table_name="audit_event")
