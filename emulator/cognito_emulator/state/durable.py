"""`DurableState`: load the directory at start, append each call's changes, fold the journal.

Without a directory (the default, and the pytest plugin's) nothing is written: a commit only
forgets what the call touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from cognito_emulator.exceptions import InternalErrorException
from cognito_emulator.state import files
from cognito_emulator.state.codec import RecordLoader, dumps
from cognito_emulator.state.records import RecordKey, RecordSource, Touched, parent_key

# The journal is folded into a new snapshot once it outgrows twice the snapshot, and this.
MIN_JOURNAL_BYTES_TO_FOLD = 32 * 1024 * 1024


class StateDirError(ValueError):
    """The directory cannot hold the emulator's state (in use, not ours, damaged, unreadable)."""


class DurableState:
    def __init__(
        self, directory: Path | None, sources: Sequence[RecordSource], touched: Touched
    ) -> None:
        self.directory = directory
        self._source_list = list(sources)
        self._sources = {kind: source for source in sources for kind in source.record_kinds}
        self._loader = RecordLoader(cls for source in sources for cls in source.persisted_types)
        self.touched = touched
        # hash() of the bytes last written for each record, and the keys under each parent.
        self._written: dict[RecordKey, int] = {}
        self._children: dict[RecordKey, set[RecordKey]] = {}
        self._generation = 0
        self._snapshot_bytes = 0
        self._journal_bytes = 0
        self._journal_fd: int | None = None
        self._lock_fd: int | None = None
        self._wipe_pending = False

    # -- start and stop ---------------------------------------------------------------------------

    def open(self) -> None:
        """Take the directory (one emulator at a time), restore its records into the stores and
        fold them into a fresh snapshot. StateDirError says what is wrong and what to do."""
        if self.directory is None:
            return
        try:
            self._take_directory(self.directory)
            records = self._load(self.directory)
            try:
                self._restore(records)
            except ValueError as error:
                raise files.StateFileError(
                    f"{self.directory} holds records this emulator cannot restore ({error}): "
                    f"{files.START_FRESH}"
                ) from None
            self._fold()
        except StateDirError:
            self._release()
            raise
        except files.StateFileError as error:
            self._release()
            raise StateDirError(str(error)) from None
        except OSError as error:
            self._release()
            raise StateDirError(f"cannot use --state-dir {self.directory}: {error}") from None
        self.touched.clear()

    def close(self) -> None:
        """Save what is pending and let the directory go (another emulator may take it)."""
        if self._journal_fd is not None:
            self.commit()
        self._release()

    def _release(self) -> None:
        for fd in (self._journal_fd, self._lock_fd):
            if fd is not None:
                os.close(fd)
        self._journal_fd = self._lock_fd = None

    # -- each call --------------------------------------------------------------------------------

    def commit(self) -> None:
        """Append what the call changed (records whose bytes differ from the last written), in
        one write; InternalErrorException when the disk refuses it (the records stay pending
        and are written with the next call that succeeds)."""
        touched = self.touched
        if self._journal_fd is None:
            if self.directory is not None and touched:
                raise InternalErrorException(
                    f"The emulator's state directory {self.directory} was closed (the server was "
                    "stopped): start a new one on it"
                )
            touched.clear()
            return
        if self._wipe_pending:
            self._wipe_pending = False
            touched.clear()
            self._written.clear()
            self._children.clear()
            self._fold_or_fail()
            return
        if not touched:
            return
        pending = list(touched)
        touched.clear()
        frames: list[bytes] = []
        written: dict[RecordKey, int | None] = {}
        for key in pending:
            record = self._sources[key[0]].record(key)
            if record is None:
                if key in self._written or key in self._children:
                    frames.append(files.frame(dumps(key, None)))
                    written[key] = None
                continue
            payload = dumps(key, record)
            digest = hash(payload)
            if self._written.get(key) != digest:
                frames.append(files.frame(payload))
                written[key] = digest
        if not frames:
            return
        try:
            self._append(b"".join(frames))
        except OSError as error:
            touched.update(pending)
            raise InternalErrorException(
                f"The emulator could not save this change to {self._journal_path()}: "
                f"{error.strerror or error}. It is kept in memory and saved with the next "
                "request once the disk accepts it."
            ) from None
        for key, new_digest in written.items():
            if new_digest is None:
                self._forget(key)
            else:
                self._remember(key, new_digest)
        if self._journal_bytes > max(MIN_JOURNAL_BYTES_TO_FOLD, 2 * self._snapshot_bytes):
            self._fold_or_fail()

    def wipe(self) -> None:
        """Everything was reset: the next commit replaces the directory's records with none."""
        self._wipe_pending = True

    # -- the directory ----------------------------------------------------------------------------

    def _take_directory(self, directory: Path) -> None:
        if directory.exists() and not directory.is_dir():
            raise StateDirError(f"--state-dir {directory} is a file, not a directory")
        directory.mkdir(mode=files.DIRECTORY_MODE, parents=True, exist_ok=True)
        names = {path.name for path in directory.iterdir()}
        if names and not names & files.STATE_FILE_NAMES:
            raise StateDirError(
                f"--state-dir {directory} holds other files and no emulator state: name a new "
                "or empty directory"
            )
        self._lock_fd = os.open(
            directory / files.LOCK_NAME, os.O_RDWR | os.O_CREAT, files.FILE_MODE
        )
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._lock_fd, 32, 0).decode(errors="replace").strip() or "?"
            raise StateDirError(
                f"--state-dir {directory} is in use by another emulator (pid {holder}): stop it, "
                "or name another directory"
            ) from None
        os.ftruncate(self._lock_fd, 0)
        os.pwrite(self._lock_fd, f"{os.getpid()}\n".encode(), 0)

    def _load(self, directory: Path) -> dict[RecordKey, Any]:
        records: dict[RecordKey, Any] = {}
        snapshot = directory / files.SNAPSHOT_NAME
        if snapshot.exists():
            with snapshot.open("rb") as handle:
                self._generation = files.read_header(snapshot, handle).generation
                self._apply(snapshot, handle, records, cut_tail_allowed=False)
        journal = self._journal_path()
        if journal.exists():
            with journal.open("rb") as handle:
                generation = files.read_header(journal, handle).generation
                if generation > self._generation:
                    raise files.StateFileError(
                        f"{journal} is newer than {snapshot} (generation {generation} after "
                        f"{self._generation}): the snapshot is missing or was replaced; "
                        f"{files.START_FRESH}"
                    )
                if generation == self._generation:
                    self._apply(journal, handle, records, cut_tail_allowed=True)
        return records

    def _apply(
        self,
        path: Path,
        handle: BinaryIO,
        records: dict[RecordKey, Any],
        *,
        cut_tail_allowed: bool,
    ) -> None:
        for offset, payload in files.read_frames(path, handle, cut_tail_allowed=cut_tail_allowed):
            try:
                key, record = self._loader.loads(payload)
            except (
                pickle.UnpicklingError,
                AttributeError,
                ImportError,
                EOFError,
                TypeError,
            ) as error:
                raise files.StateFileError(
                    f"{path} holds a record at byte {offset} this emulator cannot read ({error}): "
                    f"{files.START_FRESH}"
                ) from None
            if key[0] not in self._sources:
                raise files.StateFileError(
                    f"{path} holds a record of unknown kind {key[0]!r} at byte {offset}: "
                    f"{files.START_FRESH}"
                )
            if record is not None:
                records[key] = record
                continue
            records.pop(key, None)
            if len(key) == 2:  # a parent: its records go with it (rare: a pool deleted)
                for child in [k for k in records if parent_key(k) == key]:
                    del records[child]

    def _restore(self, records: dict[RecordKey, Any]) -> None:
        for source in self._source_list:
            kinds = source.record_kinds
            source.restore({key: record for key, record in records.items() if key[0] in kinds})

    def _fold(self) -> None:
        """Write every record to a new snapshot (generation + 1), then start an empty journal."""
        assert self.directory is not None
        self._close_journal()
        generation = self._generation + 1
        self._written.clear()
        self._children.clear()

        def write_snapshot(handle: BinaryIO) -> None:
            handle.write(files.current_header(generation).encode())
            for key, record in self.all_records():
                payload = dumps(key, record)
                handle.write(files.frame(payload))
                self._remember(key, hash(payload))
            self._snapshot_bytes = handle.tell()

        files.write_atomically(self.directory / files.SNAPSHOT_NAME, write_snapshot)
        header = files.current_header(generation).encode()
        files.write_atomically(self._journal_path(), lambda handle: handle.write(header))
        self._generation = generation
        self._journal_fd = os.open(self._journal_path(), os.O_WRONLY | os.O_APPEND)
        self._journal_bytes = len(header)

    def _fold_or_fail(self) -> None:
        try:
            self._fold()
        except OSError as error:
            raise InternalErrorException(
                f"The emulator could not write its state to {self.directory}: "
                f"{error.strerror or error}"
            ) from None

    def all_records(self) -> Iterator[tuple[RecordKey, Any]]:
        for source in self._source_list:
            yield from source.records()

    def _append(self, data: bytes) -> None:
        assert self._journal_fd is not None
        written = 0
        try:
            while written < len(data):
                written += os.write(self._journal_fd, data[written:])
        except OSError:
            if written:  # never leave half a frame before the next one
                with contextlib.suppress(OSError):
                    os.ftruncate(self._journal_fd, self._journal_bytes)
            raise
        self._journal_bytes += written

    def _close_journal(self) -> None:
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None

    def _journal_path(self) -> Path:
        assert self.directory is not None
        return self.directory / files.JOURNAL_NAME

    def _remember(self, key: RecordKey, digest: int) -> None:
        self._written[key] = digest
        parent = parent_key(key)
        if parent is not None:
            self._children.setdefault(parent, set()).add(key)

    def _forget(self, key: RecordKey) -> None:
        self._written.pop(key, None)
        for child in self._children.pop(key, ()):
            self._written.pop(child, None)
        parent = parent_key(key)
        if parent is not None and parent in self._children:
            self._children[parent].discard(key)
