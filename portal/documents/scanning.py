"""Uploads through the malware scanner: a detection or a scanner failure refuses the file."""

import logging

from portal.documents.refusals import FileRefused, Refusal
from portal.malware import ClamdClient, ScanError

log = logging.getLogger(__name__)


def scan_or_refuse(scanner: ClamdClient | None, data: bytes) -> None:
    """Raise FileRefused (MALWARE with the signature, or SCANNER_UNAVAILABLE) unless clean.

    No scanner (development, or ``PORTAL_MALWARE_SCAN=off``): nothing to do.
    """
    if scanner is None:
        return
    try:
        signature = scanner.scan(data)
    except ScanError as error:
        log.error("Upload refused: the malware scanner gave no verdict (%s)", error)
        raise FileRefused(Refusal.SCANNER_UNAVAILABLE, str(error)) from None
    if signature is not None:
        log.warning("Upload refused: the malware scanner found %s", signature)
        raise FileRefused(Refusal.MALWARE, signature)
