"""`nox -s dev -- --fresh`: start over, without the emulator's state and the SQLite database
the last runs kept."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy.engine import make_url

from cognito_emulator.state.files import STATE_FILE_NAMES


class FreshStartError(RuntimeError):
    """What --fresh would delete is not what the dev stack keeps; nothing was deleted."""


def start_fresh(state_dir: Path, database_url: str) -> list[str]:
    """Delete the emulator's state directory and, when the database is a SQLite file, that
    file; what was deleted, for the person who asked. Another database is kept (it may be
    shared): its rows of users the emulator no longer has are left behind."""
    removed = []
    if state_dir.exists():
        ours = STATE_FILE_NAMES | {f"{name}.tmp" for name in STATE_FILE_NAMES}
        others = sorted({path.name for path in state_dir.iterdir()} - ours)
        if others:
            raise FreshStartError(
                f"--fresh deletes the emulator's state, but {state_dir} holds other files "
                f"({', '.join(others)}): delete it yourself if you mean to"
            )
        shutil.rmtree(state_dir)
        removed.append(str(state_dir))
    url = make_url(database_url)
    if url.drivername.startswith("sqlite") and url.database not in (None, "", ":memory:"):
        database = Path(url.database)
        if database.exists():
            database.unlink()
            removed.append(str(database))
    return removed
