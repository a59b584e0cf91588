"""booking transitions: cancel reasons, outbox per referral, idempotent messages, kept PDFs

Revision ID: ba87436fee92
Revises: 5c0e7a9d41b2
Create Date: 2026-12-02 07:14:29.508813

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ba87436fee92"
down_revision = "5c0e7a9d41b2"
branch_labels = None
depends_on = None

CANCEL_REASON = sa.Enum(
    "person",
    "phone_line",
    "closure",
    "rebooked_by_phone",
    name="cancelreason",
    native_enum=False,
    length=25,
)
PENDING_REMINDER = sa.text("kind = 'reminder' AND status = 'pending'")
PENDING_VERSION = sa.text(
    "kind IN ('confirmation', 'rescheduled', 'cancelled', 'desk_closed') AND status = 'pending'"
)


def upgrade():
    # Every cancelled booking gets its reason: before, only closures and
    # "rebooked by phone" had one; a voided code's booking was released unnamed.
    op.execute(
        "UPDATE bookings SET cancelled_reason = 'phone_line' "
        "WHERE status = 'cancelled' AND cancelled_reason IS NULL AND referral_id IN "
        "(SELECT id FROM referrals WHERE voided_at IS NOT NULL)"
    )
    op.execute(
        "UPDATE bookings SET cancelled_reason = 'person' "
        "WHERE status = 'cancelled' AND cancelled_reason IS NULL"
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.alter_column(
            "cancelled_reason",
            existing_type=sa.VARCHAR(length=40),
            type_=CANCEL_REASON,
            existing_nullable=True,
        )

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referral_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE outbox_messages SET referral_id = "
        "(SELECT referral_id FROM bookings WHERE bookings.id = outbox_messages.booking_id)"
    )
    # Duplicates the old code could write (a double click): keep the first pending one.
    op.execute(
        "UPDATE outbox_messages SET status = 'superseded' WHERE status = 'pending' AND "
        "kind IN ('confirmation', 'rescheduled', 'cancelled', 'desk_closed') AND EXISTS "
        "(SELECT 1 FROM outbox_messages AS first WHERE first.status = 'pending' "
        "AND first.kind IN ('confirmation', 'rescheduled', 'cancelled', 'desk_closed') "
        "AND first.booking_id = outbox_messages.booking_id "
        "AND first.booking_sequence = outbox_messages.booking_sequence "
        "AND first.id < outbox_messages.id)"
    )
    op.execute(
        "UPDATE outbox_messages SET status = 'superseded' WHERE status = 'pending' AND "
        "kind = 'reminder' AND EXISTS (SELECT 1 FROM outbox_messages AS later "
        "WHERE later.status = 'pending' AND later.kind = 'reminder' "
        "AND later.booking_id = outbox_messages.booking_id AND later.id > outbox_messages.id)"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("referral_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("booking_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.alter_column("booking_sequence", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(
            "uq_outbox_messages_pending_reminder",
            ["booking_id"],
            unique=True,
            sqlite_where=PENDING_REMINDER,
            postgresql_where=PENDING_REMINDER,
        )
        batch_op.create_index(
            "uq_outbox_messages_pending_version",
            ["booking_id", "booking_sequence"],
            unique=True,
            sqlite_where=PENDING_VERSION,
            postgresql_where=PENDING_VERSION,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_referral_id_referrals"),
            "referrals",
            ["referral_id"],
            ["id"],
        )


def downgrade():
    op.execute("DELETE FROM outbox_messages WHERE booking_id IS NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_messages_referral_id_referrals"), type_="foreignkey"
        )
        batch_op.drop_index(
            "uq_outbox_messages_pending_version",
            sqlite_where=PENDING_VERSION,
            postgresql_where=PENDING_VERSION,
        )
        batch_op.drop_index(
            "uq_outbox_messages_pending_reminder",
            sqlite_where=PENDING_REMINDER,
            postgresql_where=PENDING_REMINDER,
        )
        batch_op.drop_index(batch_op.f("ix_outbox_messages_referral_id"))
        batch_op.alter_column("booking_sequence", existing_type=sa.INTEGER(), nullable=False)
        batch_op.alter_column("booking_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("pdf")
        batch_op.drop_column("referral_id")

    # Replaced holds did not exist before: they were deleted.
    op.execute("DELETE FROM bookings WHERE status = 'replaced'")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.alter_column(
            "cancelled_reason",
            existing_type=CANCEL_REASON,
            type_=sa.VARCHAR(length=40),
            existing_nullable=True,
        )
    op.execute(
        "UPDATE bookings SET cancelled_reason = NULL "
        "WHERE cancelled_reason IN ('person', 'phone_line')"
    )
