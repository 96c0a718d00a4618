"""E-mail: a queue in the community database (the outbox) and a background sender, so that no request ever waits
for an SMTP server. ``Outbox.put`` only inserts a row; ``Sender`` (a thread) sends what is due through
``smtplib`` and retries a failed message later (after 1, 2, 4... minutes, ``MAX_ATTEMPTS`` times).

With no ``smtp_host`` nothing is queued at all: e-mail is off by default.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from graph.community.database import Database
from graph.config import Settings

log = logging.getLogger("ressourcerie.mail")
MAX_ATTEMPTS = 6
BATCH = 20


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    body: str
    reply_to: str = ""


class Outbox:
    """The queue of messages to send. ``enabled`` is False while no SMTP server is configured."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.enabled = bool(settings.smtp_host)
        self._wake: Callable[[], None] = lambda: None

    def put(self, mail: Mail) -> bool:
        """Queue a message; False (nothing queued) when e-mail is off or the address is not one."""
        if not self.enabled or "@" not in mail.recipient or "\n" in mail.recipient:
            return False
        self.db.write(
            "INSERT INTO outbox (recipient, subject, body, reply_to, created, next_try) VALUES (?, ?, ?, ?, ?, ?)",
            (mail.recipient, mail.subject[:200], mail.body, mail.reply_to, time.time(), time.time()),
        )
        self._wake()
        return True

    def due(self, limit: int = BATCH) -> list[tuple[int, Mail, int]]:
        rows = self.db.read(
            "SELECT id, recipient, subject, body, reply_to, attempts FROM outbox"
            " WHERE sent IS NULL AND attempts < ? AND next_try <= ? ORDER BY id LIMIT ?",
            (MAX_ATTEMPTS, time.time(), limit),
        )
        return [(r[0], Mail(r[1], r[2], r[3], r[4]), r[5]) for r in rows]

    def pending(self) -> int:
        row = self.db.one("SELECT count(*) FROM outbox WHERE sent IS NULL AND attempts < ?", (MAX_ATTEMPTS,))
        return int(row[0]) if row else 0

    def mark_sent(self, mail_id: int) -> None:
        self.db.write("UPDATE outbox SET sent = ?, error = '' WHERE id = ?", (time.time(), mail_id))

    def mark_failed(self, mail_id: int, attempts: int, error: str) -> None:
        delay = 60.0 * 2**attempts
        self.db.write(
            "UPDATE outbox SET attempts = ?, next_try = ?, error = ? WHERE id = ?",
            (attempts + 1, time.time() + delay, error[:500], mail_id),
        )

    def forget(self, address: str) -> None:
        """Drop the messages not yet sent to an address (its owner deleted their account)."""
        self.db.write("DELETE FROM outbox WHERE recipient = ? AND sent IS NULL", (address,))


def message(settings: Settings, mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((settings.site_name, settings.smtp_from))
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain=settings.smtp_from.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    msg.set_content(mail.body)
    return msg


def send(settings: Settings, mails: list[EmailMessage]) -> list[str | None]:
    """Send messages over one SMTP connection; for each, None if sent, else why not."""
    out: list[str | None] = []
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for msg in mails:
            try:
                smtp.send_message(msg)
                out.append(None)
            except smtplib.SMTPException as e:
                out.append(str(e))
    return out


class Worker:
    """One background thread for the community's slow work: the jobs given to ``submit`` (working out whom to
    notify of a change), then sending the outbox. Woken when something is queued; otherwise it looks again every
    ``interval`` seconds (for retries)."""

    def __init__(self, outbox: Outbox, settings: Settings, interval: float = 30.0) -> None:
        self.outbox = outbox
        self.settings = settings
        self.interval = interval
        self._jobs: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        outbox._wake = self._wake.set

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ressourcerie-community", daemon=True)
            self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            self._jobs.append(job)
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            self.run_once()

    def run_once(self) -> None:
        with self._lock:
            jobs, self._jobs = self._jobs, []
        for job in jobs:
            try:
                job()
            except Exception:
                log.exception("community job failed")
        if self.outbox.enabled:
            self.flush()

    def flush(self) -> None:
        """Send what is due now."""
        due = self.outbox.due()
        if not due:
            return
        try:
            results = send(self.settings, [message(self.settings, m) for _, m, _ in due])
        except (OSError, smtplib.SMTPException) as e:  # the server is down or refused us: all retried later
            log.warning("SMTP %s:%s: %s", self.settings.smtp_host, self.settings.smtp_port, e)
            results = [str(e)] * len(due)
        for (mail_id, _mail, attempts), error in zip(due, results, strict=True):
            if error is None:
                self.outbox.mark_sent(mail_id)
            else:
                self.outbox.mark_failed(mail_id, attempts, error)
        if len(due) == BATCH:
            self._wake.set()
