"""Corrections: every change the person made to their own words, with the old words, the
new words, when and in which chat (issue 13: nothing is lost, the history is kept).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False, server_default="chat"),
        sa.Column("item_key", sa.String(200), nullable=True),
        sa.Column("answer_id", sa.Integer,
                  sa.ForeignKey("answers.id", ondelete="SET NULL"), nullable=True),
        sa.Column("old_text", sa.Text, nullable=False),
        sa.Column("new_text", sa.Text, nullable=False),
    )
    op.create_index("ix_corrections_conversation_id", "corrections", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_corrections_conversation_id", table_name="corrections")
    op.drop_table("corrections")
