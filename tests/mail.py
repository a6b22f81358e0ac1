"""A real SMTP server on loopback (aiosmtpd) that the tests send alerts to and read back."""

import email
import email.policy
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from tests.faults.services import free_port


@dataclass
class Inbox:
    """What arrived; `refuse` makes the next N deliveries fail with a temporary error."""

    messages: list = field(default_factory=list)
    refuse: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.messages.append(
                email.message_from_bytes(envelope.content, policy=email.policy.default)
            )
        return "250 OK"

    def parts(self, message, subtype: str) -> str:
        part = message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


class SmtpServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def settings(self) -> dict[str, str]:
        """The environment a worker process needs to send here."""
        return {"EMAIL_URL": f"smtp://127.0.0.1:{self.port}"}
