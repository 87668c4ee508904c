"""Who is writing (issue 16): the authorship of a conversation (the person, the person with
support, or someone for the person) and whose words each answer is (`voice`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): recreating `conversations` in SQLite would drop the
    # table that answers, markers and requests reference with ON DELETE CASCADE
    op.add_column("conversations", sa.Column("authorship_mode", sa.String(16), nullable=True))
    op.add_column("conversations",
                  sa.Column("authorship_relation", sa.String(32), nullable=True))
    op.add_column("conversations", sa.Column("authorship_name", sa.String(100), nullable=True))
    op.add_column("conversations", sa.Column("authorship_words", sa.Text, nullable=True))
    op.add_column("conversations", sa.Column("authorship_asked", sa.Boolean, nullable=False,
                                             server_default=sa.false()))
    op.add_column("answers", sa.Column("voice", sa.String(8), nullable=False,
                                       server_default="person"))


def downgrade() -> None:
    op.drop_column("answers", "voice")
    for name in ("authorship_asked", "authorship_words", "authorship_name",
                 "authorship_relation", "authorship_mode"):
        op.drop_column("conversations", name)
