"""The secrets of a room: its short public code, the facilitator's secret, each seat's token.

A **room code** is what the facilitator reads out and the QR code carries: six characters
from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B), drawn with
:mod:`secrets`; 25 letters and digits to the sixth power is about 2.4e8 codes, so a room
cannot be found by trying codes at the rate the server allows, and a code only lets a
person join and submit, never steer the room. Codes are typed on phones, so reading one
back ignores case, spaces and dashes.

The **facilitator secret** and each **participant token** are 192 random bits in URL-safe
text (``secrets.token_urlsafe``). The database keeps only their sha256 (see
:func:`secret_hash`), so a copy of the database opens no room and no seat; comparing a
secret with a stored hash uses :func:`hmac.compare_digest` (no timing side channel).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes: 0O 1IL 2Z 5S 8B
CODE_LENGTH = 6
SECRET_BYTES = 24  # 192 random bits; at least 128 are asked for
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")  # the shape of a secret or a token
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_room_code() -> str:
    """A fresh room code: :data:`CODE_LENGTH` characters of :data:`CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: object) -> str | None:
    """The code a person typed, upper-cased without spaces or dashes; None if it cannot
    be a room code (wrong length or a character outside the alphabet)."""
    if not isinstance(text, str):
        return None
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_secret() -> str:
    """A fresh facilitator secret or participant token (192 bits, URL-safe)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def is_secret(text: object) -> bool:
    """Whether ``text`` has the shape of a secret (checked before hashing a stranger's text)."""
    return isinstance(text, str) and bool(SECRET_RE.match(text))


def secret_hash(secret: str) -> str:
    """The sha256 (hex) of a secret: all the database keeps of it."""
    return hashlib.sha256(secret.encode("utf-8", errors="surrogatepass")).hexdigest()


def secret_matches(secret: object, stored_hash: str) -> bool:
    """Whether ``secret`` is the one whose hash is ``stored_hash`` (constant time)."""
    if not is_secret(secret):
        return False
    return hmac.compare_digest(secret_hash(str(secret)), stored_hash)
