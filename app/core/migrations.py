"""The schema is Alembic's (app/alembic/): `migrate` brings a database to the latest migration, and
the service refuses to start on a database that is not there (`require_latest_schema`).

The service never changes the schema itself (no `create_all` when a worker starts): a deployment
migrates once, before its workers start, with `nox -s migrate` or `alembic upgrade head`.
"""

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from app.models import User

ALEMBIC_DIRECTORY = Path(__file__).resolve().parent.parent / "alembic"
MIGRATE_COMMAND = "`nox -s migrate` (or `alembic upgrade head`)"


class SchemaNotMigratedError(Exception):
    """The database is not at the latest migration; the message says which command to run."""


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for `database_url`, without alembic.ini (works where the service
    is installed as a package, not only from a checkout)."""
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIRECTORY))
    # Not the "sqlalchemy.url" option: it goes through configparser, which reads any "%" in a
    # URL-encoded password as interpolation.
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str) -> None:
    """Bring the database to the latest migration (nothing to do if it is there)."""
    command.upgrade(alembic_config(database_url), "head")


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(ALEMBIC_DIRECTORY))


def require_latest_schema(engine: Engine) -> None:
    """Raises SchemaNotMigratedError unless the database is at the latest migration."""
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        unrecorded = not current and inspect(connection).has_table(str(User.__tablename__))
    scripts = _scripts()
    latest = set(scripts.get_heads())
    if current == latest:
        return
    database = engine.url.render_as_string(hide_password=True)
    if unrecorded:
        base = scripts.get_base()
        problem = (
            f"The database {database} has the service's tables but no migration record (made "
            f"before migrations existed): run `nox -s migrate -- stamp {base}` (or `alembic stamp "
            f"{base}`) once, then {MIGRATE_COMMAND}, and start the service again"
        )
    elif current <= {script.revision for script in scripts.walk_revisions()}:
        at = ", ".join(sorted(current)) or "no revision (empty)"
        problem = (
            f"The database {database} is at {at}, behind the service's latest migration "
            f"{', '.join(sorted(latest))}: run {MIGRATE_COMMAND}, then start the service again"
        )
    else:
        problem = (
            f"The database {database} is at revision {', '.join(sorted(current))}, which this "
            "version of the service does not know (a newer version migrated it): run that "
            "version, or `alembic downgrade` from its checkout"
        )
    raise SchemaNotMigratedError(problem)
