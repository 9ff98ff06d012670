"""The state directory's files and their format.

`snapshot` holds every record; `journal` the changes since that snapshot. Each file starts with
a header line naming the format, the moto version whose objects the records hold and a
generation, then holds frames: a little-endian length and CRC-32 of the payload, then the
payload, a pickled `(key, record)` (`record` None removes the key). A journal belongs to the
snapshot of its generation; an older one was already folded into the snapshot (the emulator
stopped between writing the one and emptying the other) and is skipped.

A snapshot is written beside and renamed over the old one, so it is whole or absent; a journal
frame cut short at the end is a write no caller was told about (the process died inside it) and
is dropped. Anything else that does not read back is damage, reported with the file's path.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"cognito-kit emulator state\n"
# Bump when a persisted record changes shape (tests/emulator/test_state_format.py pins them).
FORMAT = 1
FRAME_HEADER = struct.Struct("<II")
SNAPSHOT_NAME = "snapshot"
JOURNAL_NAME = "journal"
LOCK_NAME = "lock"
STATE_FILE_NAMES = frozenset({SNAPSHOT_NAME, JOURNAL_NAME, LOCK_NAME})
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
START_FRESH = "move the directory away (or delete it) to start with an empty state"

logger = logging.getLogger("cognito_emulator.state")


class StateFileError(ValueError):
    """A state file the emulator must not start on; the message names the file and what to do."""


@dataclass(frozen=True)
class Header:
    generation: int
    moto: str
    format: int = FORMAT

    def encode(self) -> bytes:
        fields = {"format": self.format, "moto": self.moto, "generation": self.generation}
        return MAGIC + json.dumps(fields, sort_keys=True).encode() + b"\n"


def current_header(generation: int) -> Header:
    return Header(generation=generation, moto=version("moto"))


def frame(payload: bytes) -> bytes:
    return FRAME_HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read_header(path: Path, handle: BinaryIO) -> Header:
    """The file's header, checked against this emulator's format and moto version."""
    magic = handle.read(len(MAGIC))
    line = handle.readline(4096)
    if magic != MAGIC:
        raise StateFileError(f"{path} is not an emulator state file: {START_FRESH}")
    try:
        fields = json.loads(line)
        header = Header(
            generation=int(fields["generation"]), moto=str(fields["moto"]), format=fields["format"]
        )
    except (ValueError, KeyError, TypeError):
        raise StateFileError(f"{path} has a damaged header: {START_FRESH}") from None
    expected = current_header(header.generation)
    if header.format != expected.format or header.moto != expected.moto:
        raise StateFileError(
            f"{path} was written by another version of the emulator (state format "
            f"{header.format}, moto {header.moto}; this one reads format {expected.format} with "
            f"moto {expected.moto}): run the version that wrote it, or {START_FRESH}"
        )
    return header


def read_frames(
    path: Path, handle: BinaryIO, *, cut_tail_allowed: bool
) -> Iterator[tuple[int, bytes]]:
    """(offset, payload) of each frame. A frame cut short at the very end is dropped when
    `cut_tail_allowed` (a journal), else it is damage; a checksum mismatch always is."""
    while True:
        offset = handle.tell()
        head = handle.read(FRAME_HEADER.size)
        if not head:
            return
        if len(head) == FRAME_HEADER.size:
            length, checksum = FRAME_HEADER.unpack(head)
            payload = handle.read(length)
            if len(payload) == length:
                if zlib.crc32(payload) != checksum:
                    raise StateFileError(
                        f"{path} is damaged at byte {offset} (checksum mismatch): {START_FRESH}, "
                        "or restore it from a backup"
                    )
                yield offset, payload
                continue
        if not cut_tail_allowed:
            raise StateFileError(f"{path} is cut short at byte {offset}: {START_FRESH}")
        logger.warning(
            "%s: dropping a change cut short at byte %d (the emulator stopped while writing it; "
            "no caller was told it succeeded)",
            path,
            offset,
        )
        return


def write_atomically(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Write through `write` to a file beside `path`, flushed to disk, then rename it over
    `path`: readers see the old file or the whole new one."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
