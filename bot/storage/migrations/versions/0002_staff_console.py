"""Staff console: accounts, sessions, notes (Sicht der Fachkraft), audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime, nullable=True),
        sa.Column("last_login_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "account_id", sa.Integer,
            sa.ForeignKey("staff_accounts.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_staff_sessions_account_id", "staff_sessions", ["account_id"])
    op.create_table(
        "staff_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id", sa.String(128),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("section", sa.String(32), nullable=False),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("staff_accounts.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_notes_conversation_id", "staff_notes", ["conversation_id"])
    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("staff_accounts.id"), nullable=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False, server_default=""),
        sa.Column("ip", sa.String(64), nullable=True),
    )
    op.create_index("ix_staff_audit_log_at", "staff_audit_log", ["at"])
    op.create_index("ix_staff_audit_log_account_id", "staff_audit_log", ["account_id"])


def downgrade() -> None:
    for table in ("staff_audit_log", "staff_notes", "staff_sessions", "staff_accounts"):
        op.drop_table(table)
