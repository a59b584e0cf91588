"""meetings owned by their organizer, provider status

Revision ID: f21ed80d05f0
Revises: ba87436fee92
Create Date: 2026-12-02 07:34:06.282127

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f21ed80d05f0"
down_revision = "ba87436fee92"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_provider_status",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("problem_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("provider", name=op.f("pk_meeting_provider_status")),
    )
    with op.batch_alter_table("desks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("teams_organizer_id", sa.String(length=254), nullable=True))

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organizer_id", sa.String(length=254), nullable=True))
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("generation", server_default=None)
    # Meetings created so far were addressed under their desk's organizer as
    # configured then: that is where they live (the worker replaces them under the
    # resolved object id when the booking next changes).
    op.execute(
        "UPDATE meetings SET organizer_id = (SELECT desks.teams_organizer FROM bookings "
        "JOIN slots ON slots.id = bookings.slot_id JOIN desks ON desks.id = slots.desk_id "
        "WHERE bookings.id = meetings.booking_id) WHERE external_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("generation")
        batch_op.drop_column("organizer_id")

    with op.batch_alter_table("desks", schema=None) as batch_op:
        batch_op.drop_column("teams_organizer_id")

    op.drop_table("meeting_provider_status")
