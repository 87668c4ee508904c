"""Resume codes: only a keyed hash is stored, with the time of last use (for expiry); failed
attempts of all resume paths are counted in one table.

Codes of the old format (WORT-WORT-NN, about 820,000 of them) are invalidated, not hashed:
they are few enough to be guessed even under the new limits. People who had one can no
longer resume with it; the Teilhabeteam still finds the conversation in the staff console
(by short name or Stadtteil) and can continue it with them, and the next pause gives a
new code.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE conversations SET resume_code = NULL")
    op.alter_column("conversations", "resume_code", new_column_name="resume_code_hash",
                    existing_type=sa.String(64), existing_nullable=True)
    op.add_column("conversations", sa.Column("resume_code_at", sa.DateTime, nullable=True))
    op.create_table(
        "resume_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("sender_key", sa.String(32), nullable=True),
        sa.Column("address_key", sa.String(32), nullable=True),
    )
    op.create_index("ix_resume_failures_at", "resume_failures", ["at"])
    op.create_index("ix_resume_failures_sender_key", "resume_failures", ["sender_key"])
    op.create_index("ix_resume_failures_address_key", "resume_failures", ["address_key"])


def downgrade() -> None:
    op.drop_index("ix_resume_failures_address_key", table_name="resume_failures")
    op.drop_index("ix_resume_failures_sender_key", table_name="resume_failures")
    op.drop_index("ix_resume_failures_at", table_name="resume_failures")
    op.drop_table("resume_failures")
    op.drop_column("conversations", "resume_code_at")
    # the hashes are no codes: the old column comes back empty
    op.execute("UPDATE conversations SET resume_code_hash = NULL")
    op.alter_column("conversations", "resume_code_hash", new_column_name="resume_code",
                    existing_type=sa.String(64), existing_nullable=True)
