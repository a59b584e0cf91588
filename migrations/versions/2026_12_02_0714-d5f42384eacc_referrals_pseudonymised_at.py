"""referrals: when the person's data was pseudonymised (storage limitation)

Revision ID: d5f42384eacc
Revises: 30aff26ad702
Create Date: 2026-12-02 07:14:59.145456

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5f42384eacc"
down_revision = "30aff26ad702"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pseudonymised_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_column("pseudonymised_at")
