"""`--state-dir` refuses what it must not start on, naming the file and what to do; it keeps
what a process killed mid-write had acknowledged and drops only the write it was cut off in."""

from __future__ import annotations

import json
import logging
import os
import pathlib
import pickle
from pathlib import Path

import pytest

from cognito_emulator.backend import EmulatorBackend
from cognito_emulator.state import files
from cognito_emulator.state.durable import StateDirError

START_FRESH = "move the directory away (or delete it) to start with an empty state"


def _backend_with_a_pool(state_dir: Path) -> tuple[EmulatorBackend, str]:
    backend = EmulatorBackend(state_dir=state_dir)
    with backend.lock:
        pool_id: str = backend.dispatch("CreateUserPool", {"PoolName": "kept"})["UserPool"]["Id"]
    return backend, pool_id


def _stopped(backend: EmulatorBackend) -> None:
    with backend.lock:
        backend.state.close()


def _pool_ids_after_restart(state_dir: Path) -> list[str]:
    backend = EmulatorBackend(state_dir=state_dir)
    try:
        return backend.pool_ids()
    finally:
        _stopped(backend)


def _rewrite_header(path: Path, **fields: object) -> None:
    data = path.read_bytes()
    head, rest = data[len(files.MAGIC) :].split(b"\n", 1)
    header = {**json.loads(head), **fields}
    path.write_bytes(files.MAGIC + json.dumps(header).encode() + b"\n" + rest)


def test_a_write_cut_short_at_the_end_of_the_journal_is_dropped_the_rest_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    backend, pool_id = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    journal = tmp_path / "journal"
    size = journal.stat().st_size
    with journal.open("ab") as handle:  # half a frame: what kill -9 inside write() leaves
        handle.write(files.frame(b"x" * 100)[:50])

    with caplog.at_level(logging.WARNING, logger="cognito_emulator.state"):
        assert _pool_ids_after_restart(tmp_path) == [pool_id]

    assert caplog.messages == [
        f"{journal}: dropping a change cut short at byte {size} (the emulator stopped while "
        "writing it; no caller was told it succeeded)"
    ]


def test_a_damaged_journal_frame_is_refused_naming_the_file_and_byte(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    journal = tmp_path / "journal"
    data = bytearray(journal.read_bytes())
    header_end = data.index(b"\n", len(files.MAGIC)) + 1
    data[header_end + files.FRAME_HEADER.size + 3] ^= 0xFF  # inside the first frame's payload
    journal.write_bytes(bytes(data))

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)

    assert str(refused.value) == (
        f"{journal} is damaged at byte {header_end} (checksum mismatch): {START_FRESH}, or "
        "restore it from a backup"
    )
    assert journal.read_bytes() == bytes(data)  # never wiped


def test_a_snapshot_cut_short_is_refused(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    snapshot = tmp_path / "snapshot"
    snapshot.write_bytes(snapshot.read_bytes()[:-10])

    with pytest.raises(StateDirError, match=r"snapshot is cut short at byte \d+: move the"):
        EmulatorBackend(state_dir=tmp_path)


def test_state_written_with_another_moto_version_is_refused(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    snapshot = tmp_path / "snapshot"
    running = files.current_header(0).moto
    _rewrite_header(snapshot, moto="4.2.14")

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)

    assert str(refused.value) == (
        f"{snapshot} was written by another version of the emulator (state format "
        f"{files.FORMAT}, moto 4.2.14; this one reads format {files.FORMAT} with moto {running}): "
        f"run the version that wrote it, or {START_FRESH}"
    )


def test_state_of_another_format_is_refused(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    _rewrite_header(tmp_path / "snapshot", format=files.FORMAT + 1)

    with pytest.raises(StateDirError, match=rf"\(state format {files.FORMAT + 1}, moto "):
        EmulatorBackend(state_dir=tmp_path)


def test_a_file_that_is_no_state_or_has_a_damaged_header_is_refused(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    snapshot = tmp_path / "snapshot"
    data = snapshot.read_bytes()
    snapshot.write_bytes(b"PK\x03\x04 a zip file")

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)
    assert str(refused.value) == f"{snapshot} is not an emulator state file: {START_FRESH}"

    snapshot.write_bytes(files.MAGIC + b"{not json\n" + data.split(b"\n", 2)[2])
    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)
    assert str(refused.value) == f"{snapshot} has a damaged header: {START_FRESH}"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (pickle.dumps("pool") + pickle.dumps({}), "not a record key"),
        (pickle.dumps(()) + pickle.dumps({}), "not a record key"),
        (pickle.dumps(("pool", 1)) + pickle.dumps({}), "not a record key"),
        (
            pickle.dumps(("clock", "offset")) + pickle.dumps(0.0) + b"x",
            "more than a key and a record",
        ),
        (
            pickle.dumps((pathlib.PurePath("x"),)),
            "pathlib.PurePosixPath is not a class state records hold",
        ),
    ],
)
def test_a_frame_that_is_not_a_key_and_a_record_is_refused(
    tmp_path: Path, payload: bytes, reason: str
) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    journal = tmp_path / "journal"
    offset = journal.stat().st_size
    with journal.open("ab") as handle:
        handle.write(files.frame(payload))

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)

    assert str(refused.value) == (
        f"{journal} holds a record at byte {offset} this emulator cannot read ({reason}): "
        f"{START_FRESH}"
    )


def test_a_record_naming_a_class_state_never_holds_is_refused_unrun(tmp_path: Path) -> None:
    """Loading runs no code a file names: only the classes the stores persist are rebuilt."""
    backend, _ = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    journal = tmp_path / "journal"
    marker = tmp_path / "ran"
    payload = pickle.dumps(("pool", "x")) + pickle.dumps(
        _RunsCommand(f"touch {marker}"), protocol=5
    )
    with journal.open("ab") as handle:
        handle.write(files.frame(payload))

    with pytest.raises(StateDirError, match=r"posix\.system is not a class state records hold"):
        EmulatorBackend(state_dir=tmp_path)

    assert not marker.exists()


class _RunsCommand:
    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (self.command,))


def test_a_directory_of_other_files_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)

    assert str(refused.value) == (
        f"--state-dir {tmp_path} holds other files and no emulator state: name a new or empty "
        "directory"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]


def test_a_file_is_not_a_state_dir(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("")

    with pytest.raises(StateDirError, match=r"is a file, not a directory"):
        EmulatorBackend(state_dir=path)


def test_one_emulator_at_a_time_per_directory(tmp_path: Path) -> None:
    backend, _ = _backend_with_a_pool(tmp_path)

    with pytest.raises(StateDirError) as refused:
        EmulatorBackend(state_dir=tmp_path)

    assert str(refused.value) == (
        f"--state-dir {tmp_path} is in use by another emulator (pid {os.getpid()}): stop it, or "
        "name another directory"
    )
    _stopped(backend)
    assert len(_pool_ids_after_restart(tmp_path)) == 1  # free once the first one stopped


def test_files_are_private_to_their_owner(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    backend, _ = _backend_with_a_pool(state_dir)
    _stopped(backend)

    assert state_dir.stat().st_mode & 0o777 == 0o700
    for name in ("snapshot", "journal", "lock"):
        assert (state_dir / name).stat().st_mode & 0o777 == 0o600, name


def test_a_journal_older_than_its_snapshot_was_folded_and_is_skipped(tmp_path: Path) -> None:
    """The emulator stopped after writing a new snapshot, before emptying the journal."""
    backend, pool_id = _backend_with_a_pool(tmp_path)
    _stopped(backend)
    stale = (tmp_path / "journal").read_bytes()
    backend = EmulatorBackend(state_dir=tmp_path)  # folds: snapshot and journal one newer
    with backend.lock:
        backend.dispatch("DeleteUserPool", {"UserPoolId": pool_id})
    _stopped(backend)
    backend = EmulatorBackend(state_dir=tmp_path)  # folds again: the deletion is in the snapshot
    _stopped(backend)
    (tmp_path / "journal").write_bytes(stale)  # an older generation, creating the pool again

    assert _pool_ids_after_restart(tmp_path) == []


def test_without_a_state_dir_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    backend = EmulatorBackend()
    with backend.lock:
        backend.dispatch("CreateUserPool", {"PoolName": "in-memory"})

    assert list(tmp_path.iterdir()) == []
    assert backend.state.touched == set()  # each call's lookups are forgotten, not collected
