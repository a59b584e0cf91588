"""citizen sessions kept on the server (revocable: sign-out deletes the row)

Revision ID: e6476ba9e5b2
Revises: 9e75ddf07773
Create Date: 2026-12-02 07:21:08.274975

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6476ba9e5b2"
down_revision = "9e75ddf07773"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "citizen_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_citizen_sessions_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_citizen_sessions_token_hash")),
    )
    with op.batch_alter_table("citizen_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_citizen_sessions_last_seen_at"), ["last_seen_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_citizen_sessions_referral_id"), ["referral_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("citizen_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_sessions_referral_id"))
        batch_op.drop_index(batch_op.f("ix_citizen_sessions_last_seen_at"))

    op.drop_table("citizen_sessions")
