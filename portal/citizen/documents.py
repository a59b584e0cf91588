"""The documents step: the checklist, sending, replacing, deleting and downloading files."""

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.audit.log import record
from portal.audit.models import AuditAction
from portal.citizen import bp
from portal.citizen.document_messages import limit_message, megabytes, refusal_message
from portal.citizen.forms import ConfirmForm
from portal.citizen.journey import preparing_booking_required, referral_required
from portal.citizen.preparation_forms import ReplaceForm, UploadForm
from portal.clock import now
from portal.documents import operations, storage
from portal.documents.checklist import checklist, find_entry
from portal.documents.inspection import FileRefused, Refusal, clean_name
from portal.documents.models import Document
from portal.extensions import db
from portal.i18n import current_language
from portal.observability.metrics import UPLOADS_REFUSED
from portal.request_limits import body_limit

# Room for the multipart framing and the form's other fields around one file.
FORM_OVERHEAD = 64 * 1024

log = logging.getLogger(__name__)


def upload_limit(config) -> int:
    return config["DOCUMENT_MAX_FILE_BYTES"] + FORM_OVERHEAD


def _limits():
    return operations.Limits.from_config(current_app.config)


def _uploads_allowed(referral) -> None:
    """A few uploads a minute per booking: each one may cost a scan and an image decode."""
    limiter = current_app.extensions["rate_limiter"]
    limit = current_app.config["DOCUMENT_UPLOADS_PER_MINUTE"]
    if not limiter.allow("document-upload", str(referral.id), limit, now()):
        abort(429)


def _scanner():
    return current_app.extensions["malware_scanner"]


def _refused(referral, form, upload, refused: FileRefused, limits) -> None:
    """Tell the person why; a detection is also written to the audit log."""
    name = clean_name(upload.filename)
    UPLOADS_REFUSED.labels(refused.reason.value).inc()
    if refused.reason == Refusal.MALWARE:
        # The signature's name only: the file's name may be personal data.
        record(
            now(), AuditAction.REFUSED, "referral", referral.id, "malware", signature=refused.detail
        )
    form.file.errors.append(refusal_message(refused.reason, name, limits))


def _read(upload, limits) -> bytes:
    # One byte more than allowed is enough to know the file is too large.
    return upload.stream.read(limits.file_bytes + 1)


def _own_document(referral, document_id) -> Document:
    """The person's own kept document; anyone else's id is simply not found."""
    document = db.session.get(Document, document_id)
    if document is None or document.referral_id != referral.id or document.purged_at:
        abort(404)
    return document


def _save_upload(referral, form, limits):
    entry = find_entry(referral, form.item.data)
    upload = form.file.data
    try:
        document = operations.add_document(
            referral, entry, upload.filename or "", _read(upload, limits), now(), limits, _scanner()
        )
    except FileRefused as refused:
        _refused(referral, form, upload, refused, limits)
    except operations.LimitReached as reached:
        UPLOADS_REFUSED.labels(f"limit_{reached.which}").inc()
        form.file.errors.append(limit_message(reached.which, limits))
    else:
        # The name is masked in the log (portal.observability.logs); the id is not.
        log.info("Document %s received: %r", document.id, document.display_name)
        return document
    return None  # refused before anything was written


@bp.route("/documentos", methods=["GET", "POST"])
@body_limit(upload_limit)
@preparing_booking_required
def documents(referral, booking):
    entries = checklist(referral)
    form = UploadForm()
    form.item.choices = [(entry.key, entry.label(current_language())) for entry in entries]
    if not form.is_submitted():  # suggest the first missing item
        missing = [e for e in entries if e.required and not e.received]
        form.item.data = (missing or entries)[0].key
    limits = _limits()
    if request.method == "POST":
        _uploads_allowed(referral)
    if form.validate_on_submit():
        document = _save_upload(referral, form, limits)
        if document is not None:
            flash(_("Received: %(name)s.", name=document.display_name), "success")
            return redirect(url_for("citizen.documents"))
    return render_template(
        "citizen/documents.html",
        referral=referral,
        booking=booking,
        entries=checklist(referral),
        form=form,
        limits=limits,
        megabytes=megabytes,
    )


@bp.route("/documentos/<int:document_id>/substituir", methods=["GET", "POST"])
@body_limit(upload_limit)
@preparing_booking_required
def replace_document(referral, booking, document_id):
    document = _own_document(referral, document_id)
    form, limits = ReplaceForm(), _limits()
    if request.method == "POST":
        _uploads_allowed(referral)
    if form.validate_on_submit():
        upload = form.file.data
        try:
            operations.replace_document(
                document, upload.filename or "", _read(upload, limits), now(), limits, _scanner()
            )
        except FileRefused as refused:
            _refused(referral, form, upload, refused, limits)
        except operations.LimitReached as reached:
            UPLOADS_REFUSED.labels(f"limit_{reached.which}").inc()
            form.file.errors.append(limit_message(reached.which, limits))
        else:
            flash(_("Replaced with: %(name)s.", name=document.display_name), "success")
            return redirect(url_for("citizen.documents"))
    return render_template(
        "citizen/replace_document.html", document=document, form=form, limits=limits
    )


@bp.route("/documentos/<int:document_id>/apagar", methods=["POST"])
@preparing_booking_required
def delete_document(referral, booking, document_id):
    document = _own_document(referral, document_id)
    if ConfirmForm().validate_on_submit():
        name = document.display_name
        operations.delete_document(document)
        flash(_("Deleted: %(name)s.", name=name), "success")
    return redirect(url_for("citizen.documents"))


@bp.route("/documentos/<int:document_id>")
@referral_required
def download_document(referral, document_id):
    return storage.attachment_response(_own_document(referral, document_id))
