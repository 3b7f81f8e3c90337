"""Real servers the notification tests start on port 0: an SMTP server (aiosmtpd) and an
HTTP SMS gateway (http.server), each in a thread, each recording what it received."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.smtp import SMTP


@dataclass
class SmtpInbox:
    """What the SMTP server accepted; ``answer`` is its reply to DATA (554 refuses)."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    answer: str = "250 Message accepted for delivery"
    received: threading.Event = field(default_factory=threading.Event)
    release: threading.Event | None = None  # given: DATA hangs until it is set, then fails

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.set()
        release = self.release
        if release is not None:
            # A hung server: the message is held until released, and then never accepted
            # (its client is gone by then).
            while not release.is_set():
                await asyncio.sleep(0.01)
            return "451 Held and dropped"
        if self.answer.startswith("250"):
            self.messages.append(
                message_from_bytes(envelope.original_content or b"", policy=policy.default)
            )
        return self.answer


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    inbox.port = listener.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(
            loop.create_server(lambda: SMTP(inbox, hostname="localhost"), sock=listener)
        )
        started.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield inbox
    if inbox.release is not None:
        inbox.release.set()
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@dataclass
class SmsGateway:
    """What the SMS gateway received; it answers ``status`` to each request."""

    url: str = ""
    status: int = 202
    requests: list[dict] = field(default_factory=list)


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    gateway = SmsGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            gateway.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": json.loads(body)}
            )
            self.send_response(gateway.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield gateway
    server.shutdown()
    server.server_close()
    thread.join(10)
