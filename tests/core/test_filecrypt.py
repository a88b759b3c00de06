"""Chunked document encryption: round trips at chunk boundaries, tampering, rotation."""

from __future__ import annotations

import io
import os

import pytest

from core.filecrypt import CHUNK, MAGIC, SEALED, DocumentKeyError, FileCipher, key_id_of

K1, K2 = os.urandom(32), os.urandom(32)
NAME = b"cases/c1/d1/v1"


def seal(cipher: FileCipher, plain: bytes, context: bytes = NAME) -> bytes:
    return b"".join(cipher.encrypt(io.BytesIO(plain), context))


def unseal(cipher: FileCipher, sealed: bytes, context: bytes = NAME, block: int = 1000) -> bytes:
    # Storage hands blocks of any size: cut the sealed file into odd pieces.
    pieces = [sealed[i : i + block] for i in range(0, len(sealed), block)]
    return b"".join(cipher.decrypt(pieces, context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    cipher = FileCipher({"k1": K1}, "k1")
    plain = os.urandom(size)
    sealed = seal(cipher, plain)
    assert sealed.startswith(MAGIC) and key_id_of(sealed) == "k1"
    assert plain not in sealed or size < 16  # (a byte or two occur anywhere by chance)
    assert unseal(cipher, sealed) == plain


def test_the_same_file_sealed_twice_differs() -> None:
    cipher = FileCipher({"k1": K1}, "k1")
    plain = b"%PDF-1.7 same content"
    assert seal(cipher, plain) != seal(cipher, plain)  # a fresh salt, so a fresh file key


def test_a_file_sealed_under_an_old_key_opens_after_rotation() -> None:
    before = FileCipher({"k1": K1}, "k1")
    after = FileCipher({"k1": K1, "k2": K2}, "k2")
    old = seal(before, b"declaration")
    assert unseal(after, old) == b"declaration"
    assert key_id_of(seal(after, b"new")) == "k2"
    with pytest.raises(DocumentKeyError, match="'k1', which is not configured"):
        unseal(FileCipher({"k2": K2}, "k2"), old)


def corrupt(sealed: bytes, at: int) -> bytes:
    return sealed[:at] + bytes([sealed[at] ^ 1]) + sealed[at + 1 :]


def test_tampering_truncation_reordering_and_renaming_fail() -> None:
    cipher = FileCipher({"k1": K1}, "k1")
    plain = os.urandom(3 * CHUNK)
    sealed = seal(cipher, plain)
    header = len(sealed) - 3 * SEALED
    chunks = [sealed[header + i * SEALED : header + (i + 1) * SEALED] for i in range(3)]
    broken = {
        "a flipped bit": corrupt(sealed, len(sealed) // 2),
        "a flipped salt bit": corrupt(sealed, header - 1),
        "the last chunk cut off": sealed[: header + 2 * SEALED],
        "chunks swapped": sealed[:header] + chunks[1] + chunks[0] + chunks[2],
        "only the header": sealed[:header],
    }
    for what, data in broken.items():
        with pytest.raises(DocumentKeyError):
            unseal(cipher, data)
            pytest.fail(f"{what} decrypted")
    with pytest.raises(DocumentKeyError, match="stored under another name"):
        unseal(cipher, sealed, context=b"cases/c2/d9/v9")
    with pytest.raises(DocumentKeyError, match="bad header"):
        unseal(cipher, b"%PDF-1.7 not sealed at all")
