"""A real SMTP server on loopback that keeps what it is sent: aiosmtpd's
Controller on a free port, in a thread of the test process, stopped at teardown."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.embedded import free_port


@dataclass
class Delivered:
    """One message as the server received it: the SMTP envelope and the parsed mail."""

    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class SinkHandler:
    delivered: list[Delivered] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append(
            Delivered(
                mail_from=envelope.mail_from,
                rcpt_tos=list(envelope.rcpt_tos),
                message=email.message_from_bytes(
                    envelope.original_content or envelope.content,
                    policy=email.policy.default,
                ),
            )
        )
        return "250 Message accepted for delivery"


class SmtpSink:
    """``host``/``port`` to send to; ``delivered`` in arrival order."""

    ATTEMPTS = 5

    def __init__(self):
        self.handler = SinkHandler()
        self.host = "127.0.0.1"
        self.controller = None
        self.port = 0

    @property
    def delivered(self) -> list[Delivered]:
        return self.handler.delivered

    def start(self) -> None:
        # A free port can be taken between the probe and the bind: try again.
        for attempt in range(self.ATTEMPTS):
            self.port = free_port()
            controller = Controller(
                self.handler, hostname=self.host, port=self.port, ready_timeout=10
            )
            try:
                controller.start()
            except (OSError, RuntimeError):
                if attempt == self.ATTEMPTS - 1:
                    raise
                continue
            self.controller = controller
            return

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def running_smtp_sink() -> Iterator[SmtpSink]:
    """A started sink, stopped afterwards (a test's fixture wraps it)."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
