"""The tool's RSA key pair: made once into ``instance/lti_private_key.pem`` (owner-only).

Platforms verify what the tool signs (deep-linking answers, grade-service tokens)
with the public half, which ``/lti/jwks.json`` publishes and ``course lti config`` prints.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

KEY_FILE = "lti_private_key.pem"


@dataclass(frozen=True)
class ToolKey:
    private_pem: str
    public_pem: str


def key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def tool_key() -> ToolKey:
    """Return the tool's key pair, making it the first time any process asks."""
    cached = current_app.extensions.get("course.lti.key")
    if cached is not None:
        return cached
    path = key_path()
    try:
        private_pem = path.read_bytes()
    except FileNotFoundError:
        private_pem = _create(path)
    private = serialization.load_pem_private_key(private_pem, password=None)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    key = ToolKey(private_pem=private_pem.decode(), public_pem=public_pem.decode())
    current_app.extensions["course.lti.key"] = key
    return key


def _create(path: Path) -> bytes:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place, so a second process starting at the same
    # moment never reads half a key, and the first key made is the one everybody uses.
    staging = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(staging, path)
    except FileExistsError:
        pass
    finally:
        staging.unlink()
    return path.read_bytes()
