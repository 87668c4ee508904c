"""Conversations, verbatim answers, question states, urgent needs, item decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("consent_given", sa.Boolean, nullable=True),
        sa.Column("consent_at", sa.DateTime, nullable=True),
        sa.Column("consent_version", sa.String(32), nullable=True),
        sa.Column("language_mode", sa.String(16), nullable=False),
        sa.Column("resume_code", sa.String(64), nullable=True, unique=True),
        sa.Column(
            "linked_to", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=True,
        ),
        sa.Column("pseudonym", sa.String(200), nullable=True),
        sa.Column("with_staff", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("summary_confirmed_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confirmed_at", sa.DateTime, nullable=True),
        sa.Column(
            "corrects_id", sa.Integer, sa.ForeignKey("answers.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_answers_conversation_id", "answers", ["conversation_id"])
    op.create_table(
        "question_states",
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True,
        ),
        sa.Column("question_id", sa.String(32), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "urgent_needs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("categories", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_urgent_needs_conversation_id", "urgent_needs", ["conversation_id"])
    op.create_table(
        "pending_tracker_deletions",
        sa.Column("sender_id", sa.String(128), primary_key=True),
        sa.Column("requested_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "item_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("corrected_text", sa.Text, nullable=True),
        sa.Column("decided_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("conversation_id", "item_key"),
    )
    op.create_index("ix_item_decisions_conversation_id", "item_decisions", ["conversation_id"])


def downgrade() -> None:
    for table in (
        "item_decisions", "pending_tracker_deletions", "urgent_needs", "question_states",
        "answers", "conversations",
    ):
        op.drop_table(table)
