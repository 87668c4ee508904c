"""Callback requests ("Rückrufwünsche", issue 16): a contact and a good time the person
left, with consent, for the Teilhabeteam; staff mark them done.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("good_time", sa.String(300), nullable=False, server_default=""),
        sa.Column("easy", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("done_at", sa.DateTime, nullable=True),
        sa.Column("done_by", sa.String(64), nullable=True),
    )
    op.create_index("ix_callback_requests_conversation_id", "callback_requests",
                    ["conversation_id"])
    op.create_index("ix_callback_requests_done_at", "callback_requests", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_callback_requests_done_at", table_name="callback_requests")
    op.drop_index("ix_callback_requests_conversation_id", table_name="callback_requests")
    op.drop_table("callback_requests")
