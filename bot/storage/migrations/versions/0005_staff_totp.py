"""Staff accounts: TOTP second factor (secret, enabled, last used time step) and the time
of the last password change.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(64), nullable=True))
        batch.add_column(sa.Column("totp_enabled", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("totp_last_step", sa.Integer, nullable=True))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime, nullable=True))
        batch.add_column(sa.Column("password_changed_at", sa.DateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        for name in ("password_changed_at", "totp_enabled_at", "totp_last_step",
                     "totp_enabled", "totp_secret"):
            batch.drop_column(name)
