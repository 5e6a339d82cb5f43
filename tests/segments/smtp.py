"""A real SMTP server on loopback (aiosmtpd) for the delivery tests, the worker
tests and bench/delivery.py: it keeps what it receives and can refuse recipients
or take its time over each message."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, *, refuse=(), delay=0.0):
        self.refuse = set(refuse)
        self.delay = delay
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            # Blocks the server's loop on purpose: a slow receiving server.
            time.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPServer:
    """`with SMTPServer() as server:` listens on 127.0.0.1:server.port."""

    def __init__(self, **handler_options):
        self.handler = Handler(**handler_options)
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()
