"""SMTP delivery over STARTTLS with a login, to aiosmtpd requiring both; the server's
self-signed certificate is trusted through SSL_CERT_FILE, so verification stays on."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.mail import Delivery, deliver_pending, queue
from grants.settings import Settings
from tests.integration.test_mail import Inbox, body_of, free_port


def _certificate(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    names = ["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
    subprocess.run(  # noqa: S603 - a fixed command with paths of our own temp directory
        [*command, "-keyout", str(key), "-out", str(cert), *names],
        check=True,
        capture_output=True,
    )
    return cert, key


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    return AuthResult(success=(data.login, data.password) == (b"cofund", b"s3cret"))


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Inbox, int]]:
    cert, key = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=_authenticate,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _settings(tmp_path: Path, port: int, password: str) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=True,
        smtp_username="cofund",
        smtp_password=password,
        mail_from="noreply@cofund.test",
    )


async def test_delivery_over_starttls_with_login(
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    tls_server: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    inbox, port = tls_server
    await queue(db, to="r@example.org", subject="Invitation", body="Please review.\n")
    await db.commit()

    result = await deliver_pending(session_maker, _settings(tmp_path, port, "s3cret"))

    assert result == Delivery(sent=1, failed=0)
    assert [(to, m["Subject"], body_of(m)) for to, m in inbox.messages] == [
        (["r@example.org"], "Invitation", "Please review.\n")
    ]
