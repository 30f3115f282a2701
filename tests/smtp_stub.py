"""A real SMTP server's handler (aiosmtpd) that keeps what arrives, for transport and job tests."""

from __future__ import annotations

import email
import email.policy
import socket


class Collector:
    """An SMTP handler that keeps what arrives, or answers RCPT/DATA with a set reply."""

    def __init__(self, rcpt_answer: str | None = None, data_answer: str | None = None):
        self.rcpt_answer = rcpt_answer
        self.data_answer = data_answer
        self.envelopes = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Without STARTTLS a client says EHLO once per connection.
        self.connections += 1
        session.host_name = hostname  # a handle_EHLO hook takes over this duty from aiosmtpd
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=email.policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
