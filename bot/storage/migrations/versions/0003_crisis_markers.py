"""Crisis markers: time, level and categories of a crisis message, for staff to follow up.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crisis_markers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("categories", sa.String(200), nullable=False, server_default=""),
        sa.Column("source", sa.String(16), nullable=False, server_default="chat"),
        sa.Column("words", sa.Text, nullable=True),
    )
    op.create_index("ix_crisis_markers_conversation_id", "crisis_markers", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_crisis_markers_conversation_id", table_name="crisis_markers")
    op.drop_table("crisis_markers")
