"""Writing a dump into a backup file, and reading a backup file back, both streamed.

dump bytes -> gzip (optional) -> encryption (optional) -> temporary file, hashing what is stored.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from backups.crypto import EncryptingWriter, decrypt_chunks

CHUNK = 1024 * 1024


class HashingWriter:
    def __init__(self, sink: BinaryIO) -> None:
        self.sink = sink
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.sink.write(data)

    def flush(self) -> None:
        self.sink.flush()


class BackupWriter:
    """Feed it dump bytes; `close()` returns (size, sha256) of the stored bytes."""

    def __init__(self, sink: BinaryIO, *, compress: bool, secret: str, level: int = 1) -> None:
        self.hashing = HashingWriter(sink)
        self.encrypting = EncryptingWriter(self.hashing, secret) if secret else None
        inner = self.encrypting or self.hashing
        self.gzip = (
            gzip.GzipFile(fileobj=inner, mode="wb", compresslevel=level, mtime=0) if compress else None
        )
        self.head = self.gzip or inner

    def write(self, data: bytes) -> None:
        self.head.write(data)

    def close(self) -> tuple[int, str]:
        if self.gzip:
            self.gzip.close()
        if self.encrypting:
            self.encrypting.close()
        self.hashing.flush()
        return self.hashing.size, self.hashing.sha256.hexdigest()


def sha256_of(source: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_chunks(source: BinaryIO, *, secret: str | None) -> Iterator[bytes]:
    """The file as the user downloads it: decrypted, still compressed if it was."""
    if secret:
        yield from decrypt_chunks(source, secret)
    else:
        yield from iter(lambda: source.read(CHUNK), b"")


def sql_chunks(source: BinaryIO, *, secret: str | None, compressed: bool) -> Iterator[bytes]:
    """The plain SQL of the dump, decrypted and decompressed on the fly."""
    chunks = stored_chunks(source, secret=secret)
    if not compressed:
        yield from chunks
        return
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    for chunk in chunks:
        data = inflater.decompress(chunk)
        if data:
            yield data
    tail = inflater.flush()
    if tail:
        yield tail
