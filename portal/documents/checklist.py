"""The documents a session needs, and which of them the person has sent.

``missing_items(booking)`` is the one question the confirmation e-mail, the PDF
and the desk's agenda ask: what required documents are still missing?
"""

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, select

from portal.documents.models import Document, DocumentPurpose
from portal.extensions import db
from portal.referrals.labels import MANDATE_DOCUMENT
from portal.referrals.models import Referral
from portal.scheduling.models import ChecklistItem

OTHER_DOCUMENT = _l("Other document")
MANDATE_KEY, OTHER_KEY = "mandate", "other"


@dataclass
class ChecklistEntry:
    """One line of the checklist, with the files received for it."""

    key: str
    required: bool
    item: ChecklistItem | None = None
    documents: list[Document] = field(default_factory=list)

    @property
    def received(self) -> bool:
        return bool(self.documents)

    def label(self, language: str) -> str:
        if self.item is not None:
            return self.item.label(language)
        with force_locale(language):
            return str(MANDATE_DOCUMENT if self.key == MANDATE_KEY else OTHER_DOCUMENT)


def documents_of(referral) -> list[Document]:
    """The person's files that are still kept, oldest first."""
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.referral_id == referral.id, Document.purged_at.is_(None))
            .order_by(Document.uploaded_at, Document.id)
        )
    )


def needs_mandate(referral) -> bool:
    return bool(referral.representative and referral.representative.needs_mandate)


def checklist(referral) -> list[ChecklistEntry]:
    """Subject items in order, then the mandate when needed, then 'other' (always last)."""
    entries = [
        ChecklistEntry(key=f"item-{item.id}", required=item.required, item=item)
        for item in referral.subject.checklist
    ]
    if needs_mandate(referral):
        entries.append(ChecklistEntry(key=MANDATE_KEY, required=True))
    other = ChecklistEntry(key=OTHER_KEY, required=False)
    by_key = {entry.key: entry for entry in entries}
    for document in documents_of(referral):
        by_key.get(entry_key(document), other).documents.append(document)
    return entries + [other]


def entry_key(document: Document) -> str:
    if document.purpose == DocumentPurpose.CHECKLIST and document.checklist_item_id:
        return f"item-{document.checklist_item_id}"
    if document.purpose == DocumentPurpose.MANDATE:
        return MANDATE_KEY
    return OTHER_KEY


def missing_items(booking) -> list[ChecklistEntry]:
    """Required checklist entries with no file received, for this booking's person."""
    return [entry for entry in checklist(booking.referral) if entry.required and not entry.received]


def missing_counts(referrals) -> dict[int, int]:
    """``len(missing_items(…))`` for many people at once, in one query: {referral id: count}.

    The agenda asks it for a whole week; it counts as ``checklist`` files them:
    a required item of the subject with no kept file for it, plus the mandate
    when the representative needs one and none was sent.
    """
    referrals = list(referrals)
    if not referrals:
        return {}
    kept = and_(Document.referral_id == Referral.id, Document.purged_at.is_(None))
    missing_required = (
        select(func.count(ChecklistItem.id))
        .where(
            ChecklistItem.subject_id == Referral.subject_id,
            ChecklistItem.required.is_(True),
            ~exists()
            .where(
                kept,
                Document.purpose == DocumentPurpose.CHECKLIST,
                Document.checklist_item_id == ChecklistItem.id,
            )
            .correlate_except(Document),  # the person's files, two levels up
        )
        .scalar_subquery()
    )
    has_mandate = exists().where(kept, Document.purpose == DocumentPurpose.MANDATE)
    rows = db.session.execute(
        select(Referral.id, missing_required, has_mandate).where(
            Referral.id.in_([referral.id for referral in referrals])
        )
    ).all()
    by_id = {referral.id: referral for referral in referrals}
    return {
        referral_id: count + (needs_mandate(by_id[referral_id]) and not mandate_sent)
        for referral_id, count, mandate_sent in rows
    }


def find_entry(referral, key: str) -> ChecklistEntry | None:
    return next((entry for entry in checklist(referral) if entry.key == key), None)
