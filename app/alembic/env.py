"""Alembic's environment for the service's schema: `SQLModel.metadata`, the tables of app/models.py.

The database is the one the caller names (`Config.attributes["database_url"]`, as
app/core/migrations.py does) or else the service's own DATABASE_URL (environment or `.env`), so
`alembic upgrade head` migrates the database the service will open.
"""

from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, create_engine, pool, text
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from app import models
from app.core.config import DatabaseSettings

# Any fixed 64-bit number: the key of the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK_KEY = 0x636F676E69746F  # "cognito"

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    named = config.attributes.get("database_url")
    return named if isinstance(named, str) else DatabaseSettings().DATABASE_URL


def render_plain_type(type_: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes the model's own column types as the plain SQLAlchemy types they store
    (SQLModel's AutoString is a VARCHAR, UTCDateTime a timezone-aware DateTime), so migrations
    import nothing from the app: a later model change cannot alter an old migration."""
    if type_ != "type":
        return False
    if isinstance(obj, models.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def configure(**options: Any) -> None:
    context.configure(
        target_metadata=SQLModel.metadata,
        render_item=render_plain_type,
        # SQLite alters a table by copying it: batch mode writes migrations that do that.
        render_as_batch=True,
        **options,
    )


def lock_migrations(connection: Connection) -> None:
    """One migration run at a time per database, so services or deploy steps migrating together
    cannot both see a revision missing and both apply it: the others wait, then find it applied.
    PostgreSQL: a transaction-level advisory lock (released at commit; its DDL is transactional).
    SQLite: `BEGIN IMMEDIATE`, the file's write lock (others wait out the busy timeout)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif dialect == "sqlite":
        # pysqlite opens transactions lazily (before DML only), so this explicit BEGIN is the one
        # that counts; the commit below ends it.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: the SQL script, for a DBA to run."""
    configure(url=database_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            lock_migrations(connection)
            # The lock's transaction is the migrations' transaction: Alembic runs inside it.
            configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
