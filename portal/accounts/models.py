import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class Role(enum.StrEnum):
    PHONE_LINE = "phone_line"
    DESK = "desk"
    MANAGER = "manager"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Account(UserMixin, db.Model):
    """A member of staff who signs in; desk staff are bound to one desk.

    Flask-Login keeps ``session_token`` in the session, not the id: rotating it
    (at sign-out, when the account is disabled or its password changes) ends
    every session of the account, even a copied cookie.
    """

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    # None: the account signs in only through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column_type(Role))
    desk_id: Mapped[int | None] = mapped_column(ForeignKey("desks.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    desk = relationship("Desk")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
