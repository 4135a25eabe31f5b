"""The segmented encryption of backups: a swapped, a dropped or a cut segment, or a wrong key,
never decrypts."""

import io
import struct

import pytest

from backups.crypto import MAGIC, SEGMENT, DecryptionError, EncryptingWriter, decrypt_chunks

KEY = "una clave larga y secreta para las copias"
HEADER = len(MAGIC) + 16 + 7


def _encrypt(data: bytes, key: str = KEY) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, key)
    for i in range(0, len(data), 10_000):
        writer.write(data[i : i + 10_000])
    writer.close()
    return sink.getvalue()


def _split(blob: bytes) -> tuple[bytes, list[bytes]]:
    header, rest, segments = blob[:HEADER], blob[HEADER:], []
    while rest:
        length = struct.unpack(">I", rest[:4])[0]
        segments.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, segments


def _decrypt(blob: bytes, key: str = KEY) -> bytes:
    return b"".join(decrypt_chunks(io.BytesIO(blob), key))


DATA = bytes(range(256)) * (SEGMENT * 3 // 256 + 10)  # a little over three segments


def test_a_round_trip_gives_back_every_byte():
    blob = _encrypt(DATA)
    header, segments = _split(blob)
    assert header.startswith(MAGIC) and len(segments) == 4
    assert DATA not in blob and _decrypt(blob) == DATA
    assert _decrypt(_encrypt(b"")) == b""


def test_swapped_segments_are_refused():
    header, s = _split(_encrypt(DATA))
    with pytest.raises(DecryptionError):
        _decrypt(header + s[1] + s[0] + s[2] + s[3])


def test_a_dropped_segment_is_refused():
    header, s = _split(_encrypt(DATA))
    with pytest.raises(DecryptionError):
        _decrypt(header + s[0] + s[2] + s[3])


def test_a_file_cut_after_a_whole_segment_is_refused():
    header, s = _split(_encrypt(DATA))
    with pytest.raises(DecryptionError):
        _decrypt(header + s[0] + s[1] + s[2])  # the last segment is missing: no end flag seen
    with pytest.raises(DecryptionError):
        _decrypt((header + b"".join(s))[:-100])  # cut inside the last one


def test_a_wrong_key_is_refused():
    with pytest.raises(DecryptionError):
        _decrypt(_encrypt(DATA), "otra clave")


def test_a_file_that_is_not_an_encrypted_backup_is_refused():
    with pytest.raises(DecryptionError):
        _decrypt(b"-- PostgreSQL database dump\n")
