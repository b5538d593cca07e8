"""Room codes and secrets: short and unambiguous, unguessable, never stored in clear."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from govdecide.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    new_room_code,
    new_secret,
    normalise_code,
    secret_hash,
    secret_matches,
)


def test_codes_use_the_unambiguous_alphabet():
    codes = {new_room_code() for _ in range(2000)}
    assert len(codes) > 1990  # 25**6 codes: repeats in 2,000 draws are rare
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("0O1IL2Z5S8B") & set(CODE_ALPHABET)


def test_a_typed_code_is_read_back():
    code = new_room_code()
    spaced = f" {code[:3].lower()} - {code[3:]} "
    assert normalise_code(spaced) == code
    assert normalise_code("ABC") is None and normalise_code("OOOOOO") is None
    assert normalise_code(None) is None


def test_secrets_have_192_bits_and_only_their_hash_matches():
    secret = new_secret()
    assert len(secret) == 32  # 24 bytes in URL-safe base64
    assert secret_matches(secret, secret_hash(secret))
    assert not secret_matches(new_secret(), secret_hash(secret))
    assert not secret_matches(secret_hash(secret), secret_hash(secret))  # the hash opens nothing
    assert not secret_matches(None, secret_hash(secret))


@given(st.text(max_size=40))
def test_anything_typed_is_a_code_or_none(text):
    got = normalise_code(text)
    assert got is None or (len(got) == CODE_LENGTH and set(got) <= set(CODE_ALPHABET))
