"""Adding, replacing, deleting and purging documents. They flush; the caller commits."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.booking.models import BookingStatus
from portal.documents import storage
from portal.documents.checklist import MANDATE_KEY, ChecklistEntry, documents_of
from portal.documents.inspection import CheckedFile, inspect
from portal.documents.models import Document, DocumentPurpose
from portal.documents.scanning import scan_or_refuse
from portal.extensions import db
from portal.malware import ClamdClient
from portal.referrals.models import Referral


class LimitReached(Exception):
    """The person already sent as many files, or as many bytes, as a booking allows."""

    def __init__(self, which: str):
        super().__init__(which)
        self.which = which  # "files" or "total"


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    files: int
    total_bytes: int
    image_pixels: int
    image_decoded_bytes: int

    @classmethod
    def from_config(cls, config) -> "Limits":
        return cls(
            file_bytes=config["DOCUMENT_MAX_FILE_BYTES"],
            files=config["DOCUMENT_MAX_FILES"],
            total_bytes=config["DOCUMENT_MAX_TOTAL_BYTES"],
            image_pixels=config["DOCUMENT_MAX_IMAGE_PIXELS"],
            image_decoded_bytes=config["DOCUMENT_MAX_IMAGE_DECODED_BYTES"],
        )


def _check_room(referral: Referral, size: int, limits: Limits, replacing=None) -> None:
    kept = [d for d in documents_of(referral) if d is not replacing]
    if replacing is None and len(kept) >= limits.files:
        raise LimitReached("files")
    if sum(d.size for d in kept) + size > limits.total_bytes:
        raise LimitReached("total")


def _lock_case(referral: Referral) -> None:
    """Take the person's case for this transaction: uploads to it queue up here.

    Counting the files and then adding one is only sound if nobody else adds in
    between: ``SELECT … FOR UPDATE`` on the referral (whose documents these are,
    whichever booking is current) makes parallel uploads take turns until each
    commits. SQLite needs no lock: every transaction there takes the database's
    write lock as it begins (``portal.database.tune_sqlite``).
    """
    db.session.execute(select(Referral.id).where(Referral.id == referral.id).with_for_update())


def _checked(referral, name, data, limits, scanner, replacing=None) -> CheckedFile:
    """Limits first (a full case costs one query), then the content (the malware scanner
    included), then the limits again under the case's lock with the size to be stored."""
    _check_room(referral, len(data), limits, replacing)
    checked = inspect(
        name,
        data,
        limits.file_bytes,
        limits.image_pixels,
        limits.image_decoded_bytes,
        scan=lambda content: scan_or_refuse(scanner, content),
    )
    _lock_case(referral)
    _check_room(referral, checked.size, limits, replacing)
    return checked


def add_document(
    referral: Referral,
    entry: ChecklistEntry,
    name: str,
    data: bytes,
    now: datetime,
    limits: Limits,
    scanner: ClamdClient | None = None,
) -> Document:
    """Check an upload (FileRefused, LimitReached) and keep it for a checklist entry.

    ``scanner``: the malware scanner every upload goes through, when configured.
    """
    checked = _checked(referral, name, data, limits, scanner)
    if entry.item is not None:
        purpose = DocumentPurpose.CHECKLIST
    else:
        purpose = DocumentPurpose.MANDATE if entry.key == MANDATE_KEY else DocumentPurpose.OTHER
    document = Document(
        referral_id=referral.id,
        purpose=purpose,
        checklist_item_id=entry.item.id if entry.item is not None else None,
    )
    _store(document, checked, now)
    db.session.add(document)
    db.session.flush()
    return document


def replace_document(
    document: Document,
    name: str,
    data: bytes,
    now: datetime,
    limits: Limits,
    scanner: ClamdClient | None = None,
):
    """Put a new file in place of one the person sent; the old file goes on commit."""
    checked = _checked(document.referral, name, data, limits, scanner, replacing=document)
    storage.remove_after_commit(document.stored_name)
    _store(document, checked, now)
    db.session.flush()


def delete_document(document: Document) -> None:
    storage.remove_after_commit(document.stored_name)
    db.session.delete(document)
    db.session.flush()


def _store(document: Document, checked: CheckedFile, now: datetime) -> None:
    document.stored_name = storage.write(checked.content)
    document.display_name = checked.display_name
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    document.uploaded_at = now


def retention_starts(referral: Referral) -> datetime:
    """When the documents stop being needed: the appointment, or the end of the case.

    After an appointment (attended, missed or still confirmed): its end. After a
    cancellation: the moment it was cancelled. With no booking (never booked, or
    the hold lapsed): when the reference code expired.
    """
    booked = [
        b
        for b in referral.bookings
        if b.status in (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
    ]
    if booked:
        return max(b.slot.ends_at for b in booked)
    if referral.cancelled_at is not None:
        return referral.cancelled_at
    return referral.expires_at


def purge_due_documents(now: datetime, retention_days: int) -> int:
    """Delete the files of cases that ended more than ``retention_days`` ago.

    The rows stay, marked ``purged_at``, as the record that the file was deleted.
    Returns how many files were purged.
    """
    kept = db.session.scalars(select(Document).where(Document.purged_at.is_(None))).all()
    purged = 0
    cutoff = now - timedelta(days=retention_days)
    due: dict[int, bool] = {}
    for document in kept:
        if document.referral_id not in due:
            due[document.referral_id] = retention_starts(document.referral) <= cutoff
        if due[document.referral_id]:
            storage.remove_after_commit(document.stored_name)
            document.purged_at = now
            purged += 1
    db.session.flush()
    return purged
