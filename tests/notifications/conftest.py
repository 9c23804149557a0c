"""A real SMTP server for the reminder tests: aiosmtpd on a free local port, started by the test,
and the platform's mail settings pointed at it (Django's SMTP backend, as in production)."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from django.utils import translation


@dataclass
class Received:
    """What the server was handed: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        # Python's email package folds a long encoded subject onto a continuation line, which the
        # parser reads back with the folding space in front; mail clients drop it too.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


@dataclass
class Inbox:
    """The messages the SMTP server received, in order."""

    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address in m.recipients]


@pytest.fixture(autouse=True)
def in_chinese():
    """Messages are read in the platform's language (a page asked in English leaves it active)."""
    with translation.override("zh-hans"):
        yield


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    """The mail settings for the local server (its port is filled in by ``smtp``)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "科技镇长团工作平台 <noreply@techmayor.test>"
    settings.SITE_URL = "https://techmayor.test"
    return settings


@pytest.fixture
def smtp(smtp_settings):
    """A running SMTP server; yields its Inbox and stops it after the test."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
