import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class Outcome(enum.StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"


CHECKS = ("camera", "microphone", "speakers", "network", "browser")


class DeviceCheck(db.Model):
    """One run of the device check (or a self-declaration), with its figures.

    Kept per referral so that a new hold (another time chosen) keeps the
    results; ``booking_id`` names the booking that was active when it ran.
    Nothing identifying is kept: no device names, only the browser family and
    major version.
    """

    __tablename__ = "device_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    self_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    browser_family: Mapped[str] = mapped_column(String(20))
    browser_version: Mapped[int | None] = mapped_column(Integer)
    platform: Mapped[str] = mapped_column(String(20))
    camera: Mapped[Outcome] = mapped_column(enum_column_type(Outcome))
    microphone: Mapped[Outcome] = mapped_column(enum_column_type(Outcome))
    speakers: Mapped[Outcome] = mapped_column(enum_column_type(Outcome))
    network: Mapped[Outcome] = mapped_column(enum_column_type(Outcome))
    # None on a self-declaration: the person cannot tell us this.
    browser: Mapped[Outcome | None] = mapped_column(enum_column_type(Outcome))
    # Why camera or microphone failed: denied, not_found, in_use, not_seen, no_sound, error.
    camera_problem: Mapped[str | None] = mapped_column(String(20))
    microphone_problem: Mapped[str | None] = mapped_column(String(20))
    microphone_level: Mapped[int | None] = mapped_column(Integer)
    download_kbps: Mapped[int | None] = mapped_column(Integer)
    upload_kbps: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)

    referral = relationship("Referral")

    def outcomes(self) -> dict[str, Outcome | None]:
        return {name: getattr(self, name) for name in CHECKS}

    @property
    def overall(self) -> Outcome:
        known = [o for o in self.outcomes().values() if o is not None]
        return worst(known)


ORDER = [Outcome.PASSED, Outcome.WARNING, Outcome.FAILED]


def worst(outcomes) -> Outcome:
    return max(outcomes, key=ORDER.index, default=Outcome.PASSED)
