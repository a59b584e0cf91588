"""Why an upload was not accepted; the person reads the reason with what to do next
(``portal.citizen.document_messages``)."""

import enum


class Refusal(enum.StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    EXTENSION = "extension"
    TYPE = "type"
    MISMATCH = "mismatch"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    SCRIPT = "script"
    LAUNCH = "launch"
    # Actions that run by themselves or reach outside the file: open a web page,
    # send form data, open or import another file, play media.
    ACTION = "action"
    ATTACHMENT = "attachment"
    TRAILING = "trailing"
    PIXELS = "pixels"
    # The malware scanner found something, or could not be asked.
    MALWARE = "malware"
    SCANNER_UNAVAILABLE = "scanner_unavailable"


class FileRefused(Exception):
    def __init__(self, reason: Refusal, detail: str = ""):
        super().__init__(reason.value)
        self.reason = reason
        self.detail = detail  # for the log and the audit trail, never shown
