"""Companies booking through a representative (contribuições sessions)."""

import enum

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.enums import enum_column_type
from portal.extensions import db


class Capacity(enum.StrEnum):
    """In what capacity someone attends for a company."""

    MANAGER = "manager"  # gerente / administrador
    ACCOUNTANT = "accountant"  # contabilista certificado
    LAWYER = "lawyer"  # advogado / solicitador
    MANDATARY = "mandatary"  # outro mandatário


# Who acts under a mandate must show it: everyone but the company's own manager.
NEEDS_MANDATE = {Capacity.ACCOUNTANT, Capacity.LAWYER, Capacity.MANDATARY}


class Representative(db.Model):
    """The person who attends for a company, and the company as they named it."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), unique=True)
    company_name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[Capacity] = mapped_column(enum_column_type(Capacity))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(32))  # E.164

    referral = relationship("Referral", back_populates="representative")

    @property
    def needs_mandate(self) -> bool:
        return self.capacity in NEEDS_MANDATE


class InvalidContact(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """E.164 form of a Portuguese (default region) or international number."""
    try:
        number = phonenumbers.parse(text, "PT")
    except phonenumbers.NumberParseException:
        raise InvalidContact("phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidContact("phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(text: str) -> str:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidContact("email") from None


def set_representative(referral, company_name, full_name, capacity, email, phone) -> None:
    """Record (or replace) who attends for the company; messages then go to them."""
    representative = referral.representative or Representative(referral=referral)
    representative.company_name = " ".join(company_name.split())
    representative.full_name = " ".join(full_name.split())
    representative.capacity = Capacity(capacity)
    representative.email = normalise_email(email)
    representative.phone = normalise_phone(phone)
    db.session.add(representative)
    db.session.flush()


def display_phone(e164: str) -> str:
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
