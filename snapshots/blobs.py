"""Content-addressed, zstd-compressed bodies and page texts: one row per distinct sha256."""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
import zstandard
from sqlalchemy.dialects import postgresql, sqlite

from citywatch import defaults
from citywatch.errors import StorageError
from snapshots.schema import blobs

__all__ = ["get_blob", "put_blob", "sha256_hex"]


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(connection: sa.Connection, data: bytes, *, at: datetime) -> str:
    """Store `data` unless a blob with its hash is already there; return the hash.

    A body dropped by `gc` and fetched again gets its bytes back.
    """
    digest = sha256_hex(data)
    held = connection.execute(
        sa.select(blobs.c.data.is_not(None)).where(blobs.c.sha256 == digest)
    ).scalar()
    if held:
        return digest
    packed = zstandard.ZstdCompressor(level=defaults.ZSTD_LEVEL).compress(data)
    if held is None:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(blobs).values(
            sha256=digest, size=len(data), codec="zstd", data=packed, created_at=at
        )
        inserted = connection.execute(statement.on_conflict_do_nothing()).rowcount
        if inserted:
            return digest
    # Dropped by gc (or inserted by a concurrent writer a moment ago): fill the bytes back in.
    connection.execute(
        sa.update(blobs)
        .where(blobs.c.sha256 == digest, blobs.c.data.is_(None))
        .values(codec="zstd", data=packed)
    )
    return digest


def get_blob(connection: sa.Connection, digest: str) -> bytes | None:
    """The original bytes, or None when unknown or dropped by `gc`."""
    row = connection.execute(
        sa.select(blobs.c.codec, blobs.c.data, blobs.c.size).where(blobs.c.sha256 == digest)
    ).first()
    if row is None or row.data is None:
        return None
    if row.codec != "zstd":
        raise StorageError("unknown blob codec", sha256=digest, codec=row.codec)
    data = zstandard.ZstdDecompressor().decompress(row.data, max_output_size=row.size)
    if sha256_hex(data) != digest:
        raise StorageError("stored body does not match its sha256", sha256=digest)
    return data
