import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.database import UTCDateTime
from portal.enums import enum_column_type
from portal.extensions import db


class Audience(enum.StrEnum):
    CITIZEN = "citizen"
    COMPANY = "company"
    BOTH = "both"


class DistrictCentre(db.Model):
    """A Centro Distrital of Segurança Social."""

    __tablename__ = "district_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    desks: Mapped[list["Desk"]] = relationship(back_populates="centre", order_by="Desk.name")


desk_subjects = Table(
    "desk_subjects",
    db.Model.metadata,
    Column("desk_id", ForeignKey("desks.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
)


class Desk(db.Model):
    """A service desk (serviço de atendimento); remote desks attend by video."""

    __tablename__ = "desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    centre_id: Mapped[int] = mapped_column(ForeignKey("district_centres.id"), index=True)
    remote_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # How many attendants serve remote sessions at the same time.
    parallel_attendants: Mapped[int] = mapped_column(Integer, default=1)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # The Microsoft Entra user (object id or user principal name) who organises the
    # desk's Teams meetings; the tenant's application access policy must cover them.
    teams_organizer: Mapped[str | None] = mapped_column(String(254))
    # Its object id, as the meeting provider resolved it (cleared when it changes).
    teams_organizer_id: Mapped[str | None] = mapped_column(String(254))

    centre: Mapped[DistrictCentre] = relationship(back_populates="desks")
    opening_hours: Mapped[list["OpeningHours"]] = relationship(
        back_populates="desk",
        cascade="all, delete-orphan",
        order_by="(OpeningHours.weekday, OpeningHours.opens)",
    )
    closures: Mapped[list["Closure"]] = relationship(
        back_populates="desk", cascade="all, delete-orphan", order_by="Closure.starts_on"
    )
    subjects: Mapped[list["Subject"]] = relationship(secondary=desk_subjects)

    @validates("teams_organizer")
    def _forget_resolved_organizer(self, _key, value):
        if value != self.teams_organizer:
            self.teams_organizer_id = None
        return value


class OpeningHours(db.Model):
    """One interval of a desk's weekly timetable, in Lisbon local time."""

    __tablename__ = "opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, as date.weekday()
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)

    desk: Mapped[Desk] = relationship(back_populates="opening_hours")


class Closure(db.Model):
    """Days a desk does not attend (inclusive range), beyond weekends and holidays."""

    __tablename__ = "closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    desk: Mapped[Desk] = relationship(back_populates="closures")

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Subject(db.Model):
    """What a session is about (assunto), e.g. contribuicoes."""

    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_pt: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    audience: Mapped[Audience] = mapped_column(enum_column_type(Audience))
    session_minutes: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    checklist: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="subject", cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_pt

    def serves(self, audience: Audience) -> bool:
        return self.audience in (Audience.BOTH, audience)


class ChecklistItem(db.Model):
    """A document the desk needs (required) or may find useful for a subject."""

    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    label_pt: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    subject: Mapped[Subject] = relationship(back_populates="checklist")

    def label(self, language: str) -> str:
        return self.label_en if language.startswith("en") else self.label_pt


class Slot(db.Model):
    """A published time at a desk, with as many seats as parallel attendants."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("desk_id", "starts_at"),
        # The offer reads a window of start times with their desk and capacity
        # (portal.scheduling.offers): this index answers it without the table.
        Index("ix_slots_starts_at_desk_capacity", "starts_at", "desk_id", "capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)

    desk: Mapped[Desk] = relationship()
