"""CPR numbers encrypted at rest, with a blind index to find them (issue #6).

OWASP ASVS V6.1.1 and GDPR art. 32 (databeskyttelsesloven § 11): a CPR number is
regulated private data, so the database holds it only encrypted. Fernet
(AES-128-CBC with HMAC-SHA256) encrypts; MultiFernet lets the keys rotate: the
first key encrypts, every listed key decrypts. A Fernet token differs every time
the same number is encrypted, so equality search and the unique constraint use a
blind index instead: HMAC-SHA256 of the normalised number with a separate lookup
key. That key never rotates without re-indexing every row (see the README).

No Flask here: create_app calls configure() with the keys from the config, and
scripts that write rows themselves (the benchmarks) can do the same.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from selvvisitation.domain.cpr import normalise_cpr


class VaultNotConfigured(RuntimeError):
    """The vault was used before configure() was given its keys."""


class CprDecryptionError(ValueError):
    """A stored CPR token that none of the configured keys opens (a lost or removed key)."""


_fernet: MultiFernet | None = None
_lookup_key: bytes | None = None


def configure(encryption_keys: list[str], lookup_key: str) -> None:
    """Set the keys: the first encryption key encrypts, all of them decrypt."""
    global _fernet, _lookup_key
    keys = [key.strip() for key in encryption_keys if key and key.strip()]
    if not keys:
        raise ValueError("At least one CPR encryption key is needed")
    if not lookup_key or not lookup_key.strip():
        raise ValueError("A CPR lookup key is needed")
    _fernet = MultiFernet([Fernet(key) for key in keys])  # ValueError for a malformed key
    _lookup_key = lookup_key.strip().encode()


def _configured() -> tuple[MultiFernet, bytes]:
    if _fernet is None or _lookup_key is None:
        raise VaultNotConfigured(
            "The CPR vault has no keys: call selvvisitation.security.cpr_vault.configure() "
            "(create_app does, from CPR_ENCRYPTION_KEYS and CPR_LOOKUP_KEY)"
        )
    return _fernet, _lookup_key


def encrypt(cpr: str) -> str:
    """The normalised CPR number, encrypted with the first key (raises CprError if invalid)."""
    fernet, _ = _configured()
    return fernet.encrypt(normalise_cpr(cpr).encode()).decode()


def decrypt(token: str) -> str:
    """The ten digits a token holds, whichever configured key encrypted it."""
    fernet, _ = _configured()
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        # Never the token or a digit in the message: messages end up in logs.
        raise CprDecryptionError("No configured CPR encryption key opens this value") from None


def encrypt_secret(text: str) -> str:
    """Another secret kept with the same keys (a staff member's TOTP secret)."""
    fernet, _ = _configured()
    return fernet.encrypt(text.encode()).decode()


def decrypt_secret(token: str) -> str:
    fernet, _ = _configured()
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken:
        raise CprDecryptionError("No configured encryption key opens this value") from None


def lookup(cpr: str) -> str:
    """The blind index of a CPR number: HMAC-SHA256 hex of its ten digits."""
    _, key = _configured()
    return hmac.new(key, normalise_cpr(cpr).encode(), hashlib.sha256).hexdigest()


def rotate(token: str) -> str:
    """The token re-encrypted with the first key (for re-encrypting rows after a rotation)."""
    fernet, _ = _configured()
    try:
        return fernet.rotate(token.encode()).decode()
    except InvalidToken:
        raise CprDecryptionError("No configured CPR encryption key opens this value") from None


def generate_encryption_key() -> str:
    return Fernet.generate_key().decode()
