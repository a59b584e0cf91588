"""calendar UID per booking, e-mail kinds as text, code e-mail and reminder to book once

Revision ID: 8633ec994a05
Revises: e6476ba9e5b2
Create Date: 2026-12-02 08:46:35.453633

"""

import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8633ec994a05"
down_revision = "e6476ba9e5b2"
branch_labels = None
depends_on = None

PENDING_CODE = sa.text("kind = 'code_issued' AND status = 'pending'")
REMINDER_TO_BOOK = sa.text("kind = 'reminder_to_book'")


def upgrade():
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invite_uid", sa.String(length=36), nullable=True))
    # Every existing booking gets its own random UID. Calendars that hold an invite
    # sent before (UID booking-<id>@host) keep that event; the next change arrives
    # under the new UID. A one-off, accepted: the old UIDs were guessable.
    connection = op.get_bind()
    bookings = sa.table("bookings", sa.column("id", sa.Integer), sa.column("invite_uid"))
    for (booking_id,) in connection.execute(sa.select(bookings.c.id)).all():
        connection.execute(
            bookings.update()
            .where(bookings.c.id == booking_id)
            .values(invite_uid=str(uuid.uuid4()))
        )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.alter_column("invite_uid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_bookings_invite_uid"), ["invite_uid"])

    # Kinds are registered in code (portal.notifications.kinds): plain text, room to grow.
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.VARCHAR(length=20),
            type_=sa.String(length=40),
            existing_nullable=False,
        )
        batch_op.create_index(
            "uq_outbox_messages_pending_code",
            ["referral_id"],
            unique=True,
            sqlite_where=PENDING_CODE,
            postgresql_where=PENDING_CODE,
        )
        batch_op.create_index(
            "uq_outbox_messages_reminder_to_book",
            ["referral_id"],
            unique=True,
            sqlite_where=REMINDER_TO_BOOK,
            postgresql_where=REMINDER_TO_BOOK,
        )


def downgrade():
    # The older code has no e-mail for these kinds.
    op.execute("DELETE FROM outbox_messages WHERE kind IN ('code_issued', 'reminder_to_book')")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_outbox_messages_reminder_to_book",
            sqlite_where=REMINDER_TO_BOOK,
            postgresql_where=REMINDER_TO_BOOK,
        )
        batch_op.drop_index(
            "uq_outbox_messages_pending_code",
            sqlite_where=PENDING_CODE,
            postgresql_where=PENDING_CODE,
        )
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=40),
            type_=sa.VARCHAR(length=20),
            existing_nullable=False,
        )

    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_bookings_invite_uid"), type_="unique")
        batch_op.drop_column("invite_uid")
