"""audit log: entries stored as codes (detail, detail_values) instead of English text

Revision ID: 5c0e7a9d41b2
Revises: d5f42384eacc
Create Date: 2026-12-02 07:16:00

The free-text summaries written so far are turned into codes where they follow the
patterns the portal wrote; any other text is kept as its own detail (shown as it
is). Downgrading writes English summaries back from the codes.
"""

import json
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "5c0e7a9d41b2"
down_revision = "d5f42384eacc"
branch_labels = None
depends_on = None

DETAIL_VALUES = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# (pattern of the old summary, detail code, names of the values it held)
PATTERNS = [
    (r"(\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)", "period", ("first", "last")),
    (r"outcome: (\w+)", "outcome", ("outcome",)),
    (r"booking (\d+)", "of-booking", ("booking",)),
    (r"closure (\d+)", "closure", ("closure",)),
    (r"re-issued as (\d+)", "reissued", ("replacement",)),
    (r"search: (.+)", "searched", ("query",)),
    (r"search: ", "listed", ()),
    (r"issued through the API", "issued-by-api", ()),
    (r"(created|enabled|disabled|issued|voided)", None, ()),
]
SUMMARIES = {
    "period": "{first} to {last}",
    "outcome": "outcome: {outcome}",
    "of-booking": "booking {booking}",
    "closure": "closure {closure}",
    "reissued": "re-issued as {replacement}",
    "searched": "search: {query}",
    "listed": "search: ",
    "issued-by-api": "issued through the API",
}

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("detail", sa.String),
    sa.column("detail_values", DETAIL_VALUES),
)


def as_code(summary: str) -> tuple[str, dict]:
    for pattern, code, names in PATTERNS:
        match = re.fullmatch(pattern, summary)
        if match:
            values = dict(zip(names, match.groups(), strict=False))
            for name in ("booking", "closure", "replacement"):
                if name in values:
                    values[name] = int(values[name])
            return code or summary, values
    return summary[:40], {}


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("detail_values", DETAIL_VALUES, nullable=True))
    connection = op.get_bind()
    for event_id, summary in connection.execute(sa.select(events.c.id, events.c.summary)):
        detail, values = as_code(summary or "")
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(detail=detail, detail_values=values)
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("detail", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("detail_values", existing_type=DETAIL_VALUES, nullable=False)
        batch_op.drop_column("summary")


def downgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.String(length=300), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(events.c.id, events.c.detail, events.c.detail_values))
    for event_id, detail, values in rows:
        if isinstance(values, str):
            values = json.loads(values)
        template = SUMMARIES.get(detail)
        summary = template.format(**values) if template and values is not None else detail
        connection.execute(
            events.update().where(events.c.id == event_id).values(summary=summary[:300])
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("summary", existing_type=sa.String(length=300), nullable=False)
        batch_op.drop_column("detail_values")
        batch_op.drop_column("detail")
