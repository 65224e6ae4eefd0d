"""The transparency log's Ed25519 signing key: from AUDIT_LOG_KEY or its file, never the DB.

Outside production a missing key file is generated on first use (as `grants db upgrade`,
`make run` and `grants audit keygen` do), so a development log always signs; in production a
missing key is an error, since a new key would orphan every checkpoint the witnesses cosigned.
"""

from __future__ import annotations

from pathlib import Path

from grants.settings import Settings
from transparency import ED25519, SignerKey, VerifierKey


class LogKeyMissing(RuntimeError):
    """No log key configured where production needs one."""


def _file(settings: Settings) -> Path:
    assert settings.audit_log_key_file is not None  # filled by Settings
    return settings.audit_log_key_file


def generate(settings: Settings) -> tuple[Path, bool]:
    """Write a new key to the key file unless one is there; (path, whether it was created)."""
    path = _file(settings)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SignerKey.generate(settings.audit_log_origin, ED25519)
    path.touch(mode=0o600)
    path.write_text(key.export() + "\n")
    return path, True


def signer(settings: Settings) -> SignerKey:
    """The log's signing key, named after the log's origin (C2SP: the key name is the origin)."""
    if settings.audit_log_key:
        text = settings.audit_log_key
    else:
        path = _file(settings)
        if not path.exists():
            if settings.environment == "production":
                raise LogKeyMissing(f"AUDIT_LOG_KEY or the file {path} must hold the log key")
            generate(settings)
        text = path.read_text()
    key = SignerKey.parse(text)
    if key.type != ED25519 or key.name != settings.audit_log_origin:
        raise LogKeyMissing(
            f"the log key must be a plain Ed25519 key named {settings.audit_log_origin!r}"
        )
    return key


def verifier(settings: Settings) -> VerifierKey:
    """The public key auditors and witnesses check checkpoints with."""
    return signer(settings).verifier()
