"""What the person reads when a file is refused: the reason and what to do next."""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.documents.inspection import Refusal

REFUSALS = {
    Refusal.EMPTY: _l("“%(name)s” is empty. Choose the file again, or scan the document again."),
    Refusal.TOO_LARGE: _l(
        "“%(name)s” is larger than %(size)s. Scan it at a lower resolution, or take a photo "
        "of each page instead."
    ),
    Refusal.EXTENSION: _l(
        "“%(name)s” is not a PDF, JPEG or PNG file. Their names end in .pdf, .jpg, .jpeg "
        "or .png; save or photograph the document in one of these formats."
    ),
    Refusal.TYPE: _l(
        "“%(name)s” is not really a PDF, JPEG or PNG file, whatever its name says. Save or "
        "photograph the document in one of these formats."
    ),
    Refusal.MISMATCH: _l(
        "The content of “%(name)s” does not match the end of its name (for example a PDF "
        "named .jpg). Rename it with the right ending, or save it again."
    ),
    Refusal.DAMAGED: _l(
        "“%(name)s” could not be read: it may be damaged or incomplete. Open it on your "
        "device to check it, then save or scan it again."
    ),
    Refusal.ENCRYPTED: _l(
        "“%(name)s” is protected with a password, so the desk could not open it. Send a copy "
        "without the password (open it and use Print → Save as PDF)."
    ),
    Refusal.SCRIPT: _l(
        "“%(name)s” contains scripts, which we do not accept for security. Open it and use "
        "Print → Save as PDF, then send that copy."
    ),
    Refusal.LAUNCH: _l(
        "“%(name)s” tries to open other programs, which we do not accept for security. Open "
        "it and use Print → Save as PDF, then send that copy."
    ),
    Refusal.ACTION: _l(
        "“%(name)s” contains links or actions that open web pages or other files, or send "
        "data, which we do not accept for security. Open it and use Print → Save as PDF, then "
        "send that copy."
    ),
    Refusal.ATTACHMENT: _l(
        "“%(name)s” has other files inside it, which we do not accept. Send each document as "
        "its own file."
    ),
    Refusal.TRAILING: _l(
        "“%(name)s” has extra data after the end of the document, which we do not accept for "
        "security. Open it and use Print → Save as PDF, then send that copy."
    ),
    Refusal.PIXELS: _l(
        "The image “%(name)s” is far too large in pixels. Take the photo again at a normal "
        "size, or scan it at a lower resolution."
    ),
    Refusal.MALWARE: _l(
        "“%(name)s” was not accepted: our security check found malicious content in it. Do "
        "not open the file again; scan your device, then send a new copy of the document."
    ),
    Refusal.SCANNER_UNAVAILABLE: _l(
        "“%(name)s” could not be checked for security right now, so it was not accepted. "
        "Nothing was lost: try again in a few minutes."
    ),
}


def megabytes(size: int) -> str:
    """'10 MB' in the person's number format."""
    return _("%(amount)s MB", amount=format_decimal(round(size / (1024 * 1024), 1)))


def file_size(size: int) -> str:
    """'350 KB' or '2.4 MB': how big a received file is."""
    if size < 1024 * 1024:
        return _("%(amount)s KB", amount=format_decimal(max(1, round(size / 1024))))
    return megabytes(size)


def refusal_message(reason: Refusal, name: str, limits) -> str:
    return str(REFUSALS[reason]) % {
        "name": name or _("the file"),
        "size": megabytes(limits.file_bytes),
    }


def limit_message(which: str, limits) -> str:
    if which == "files":
        return ngettext(
            "You have already sent %(num)d file, the most we accept. Delete or replace it if "
            "you no longer need it, or bring the rest to the session.",
            "You have already sent %(num)d files, the most we accept. Delete or replace a "
            "file you no longer need, or bring the rest to the session.",
            limits.files,
        )
    return _(
        "Together your files would exceed %(size)s. Delete a file you no longer need, or send "
        "smaller scans.",
        size=megabytes(limits.total_bytes),
    )
