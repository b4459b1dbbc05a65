"""E-mail over SMTP with the standard library, in a worker thread (smtplib blocks).

One connection per message keeps failures independent and the code simple: notifications are few
(a handful per ticket), not a mailing list. Replies with a 5xx code (a refused recipient, a rejected
message) are permanent; everything else (4xx, a connection refused or dropped, a timeout) is retried.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from kefu.config import Settings
from kefu.notify.senders import Outgoing, SendError

PERMANENT_FROM = 500


class SmtpSender:
    """Sends e-mail through ``KEFU_SMTP_HOST``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def build(self, message: Outgoing) -> EmailMessage:
        """The MIME message: plain text, UTF-8, with a one-click ``List-Unsubscribe`` header."""
        settings = self._settings
        mail = EmailMessage()
        mail["From"] = settings.smtp_from or settings.smtp_user or f"kefu@{settings.smtp_host}"
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(idstring=f"kefu-notification-{message.id}")
        mail["Auto-Submitted"] = "auto-generated"
        if message.unsubscribe_url:
            mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mail.set_content(message.body)
        return mail

    async def send(self, message: Outgoing) -> None:
        """Deliver ``message`` (raises :class:`SendError`)."""
        mail = self.build(message)
        await asyncio.to_thread(self._send_blocking, mail)

    def _send_blocking(self, mail: EmailMessage) -> None:
        settings = self._settings
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            raise SendError(f"recipient refused: {exc.recipients}", permanent=min(codes) >= PERMANENT_FROM) from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            raise SendError(f"SMTP {exc.smtp_code}: {text}", permanent=exc.smtp_code >= PERMANENT_FROM) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SendError(f"SMTP: {type(exc).__name__}: {exc}") from None
