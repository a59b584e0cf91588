"""Sending e-mail: one thin SMTP client (standard smtplib, with timeouts) and, in
development only, a local mailbox the developer opens at /dev/mail.

Both raise ``MailError`` and nothing else, so the outbox has one thing to catch.
"""

import logging
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol

from flask import Flask

log = logging.getLogger(__name__)


class MailError(Exception):
    """The message could not be handed to the mail server."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SMTPMailer:
    def __init__(self, config: Mapping[str, Any]):
        self.host = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.use_tls = bool(config["MAIL_USE_TLS"])
        self.use_ssl = bool(config["MAIL_USE_SSL"])
        self.username = config["MAIL_USERNAME"]
        self.password = config["MAIL_PASSWORD"]
        self.sender = parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
        self.timeout = config["MAIL_TIMEOUT_SECONDS"]

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.use_tls:
            connection.starttls(context=ssl.create_default_context())
        return connection

    def send(self, message: EmailMessage) -> None:
        """Hand the message to the server; MailError if it did not take it."""
        try:
            with self._connect() as connection:
                if self.username:
                    connection.login(self.username, self.password or "")
                refused = connection.send_message(message, from_addr=self.sender)
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"{type(error).__name__}: {error}") from error
        if refused:
            raise MailError(f"recipients refused: {refused}")
        # The address is masked in the log (portal.observability.logs).
        log.info("The SMTP server took a message for %s", message["To"])


class DevMailbox:
    """Development only: each message is a .eml file in instance/dev-mailbox/."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.as_bytes(policy=policy.SMTP))
        except OSError as error:
            raise MailError(str(error)) from error
        log.warning("DEVELOPMENT ONLY: e-mail to %s kept in %s", message["To"], path)

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted((p.name for p in self.folder.glob("*.eml")), reverse=True)

    def read(self, name: str) -> EmailMessage | None:
        if name not in self.names():  # only names we listed: no path tricks
            return None
        with (self.folder / name).open("rb") as handle:
            return BytesParser(policy=policy.default).parse(handle)


class NoMailServer:
    """Outside development, an unset PORTAL_MAIL_SERVER leaves messages waiting."""

    def send(self, message: EmailMessage) -> None:
        raise MailError("no mail server configured (PORTAL_MAIL_SERVER)")


def dev_mailbox(app: Flask) -> DevMailbox:
    return DevMailbox(Path(app.instance_path) / "dev-mailbox")


def mailer_for(app: Flask) -> Mailer:
    if app.config["MAIL_SERVER"]:
        return SMTPMailer(app.config)
    if app.config["ENVIRONMENT"] == "development":
        return dev_mailbox(app)
    return NoMailServer()
