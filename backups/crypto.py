"""Streamed authenticated encryption of backup files (AES-256-GCM in segments).

File: MAGIC | salt (16) | nonce prefix (7) | segments. A segment is: length (4, big endian) |
ciphertext + tag. Each segment's nonce is the prefix, its counter (4) and a last-segment flag (1),
so segments cannot be reordered, dropped or cut off at the end without failing authentication.
The key is derived per file from BACKUP_ENCRYPTION_KEY with HKDF-SHA256 and the file's salt.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"SAASBAK1"
SEGMENT = 64 * 1024


class DecryptionError(Exception):
    pass


def _key(secret: str, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"saas-backup-v1").derive(
        secret.encode()
    )
    return AESGCM(derived)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class ByteSink(Protocol):
    """Where written bytes go: a binary file, or another writer of the pipeline."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


class EncryptingWriter:
    """A write-only file object that encrypts what it is given into `sink`."""

    def __init__(self, sink: ByteSink, secret: str) -> None:
        self.sink = sink
        salt, self.prefix = os.urandom(16), os.urandom(7)
        self.aead = _key(secret, salt)
        self.buffer = bytearray()
        self.counter = 0
        sink.write(MAGIC + salt + self.prefix)

    def _emit(self, data: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, last), data, None)
        self.sink.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def write(self, data: bytes) -> int:
        self.buffer.extend(data)
        while len(self.buffer) > SEGMENT:
            self._emit(bytes(self.buffer[:SEGMENT]), last=False)
            del self.buffer[:SEGMENT]
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._emit(bytes(self.buffer), last=True)
        self.buffer.clear()


def decrypt_chunks(source: BinaryIO, secret: str) -> Iterator[bytes]:
    header = source.read(len(MAGIC) + 16 + 7)
    if len(header) != len(MAGIC) + 23 or not header.startswith(MAGIC):
        raise DecryptionError("el archivo no es una copia cifrada")
    aead = _key(secret, header[len(MAGIC) : len(MAGIC) + 16])
    prefix = header[len(MAGIC) + 16 :]
    counter = 0
    length_bytes = source.read(4)
    while length_bytes:
        if len(length_bytes) != 4:
            raise DecryptionError("archivo cortado")
        sealed = source.read(struct.unpack(">I", length_bytes)[0])
        length_bytes = source.read(4)
        last = not length_bytes
        try:
            yield aead.decrypt(_nonce(prefix, counter, last), sealed, None)
        except InvalidTag as exc:
            raise DecryptionError("la clave no es correcta o el archivo fue alterado") from exc
        counter += 1
    if counter == 0:
        raise DecryptionError("archivo vacío")
