"""Alembic's entry point: migrate the database the app is configured for."""

from alembic import context

from course.db import Model, make_engine
from course.models import import_all_models

import_all_models()
config = context.config
target_metadata = Model.metadata


def database_url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return url
    # Run as plain `alembic`: read the settings as the app would.
    from course import create_app

    return create_app().config["DATABASE_URL"]


def for_this_database(obj, dialect_name: str) -> bool:
    """Tell whether a model object belongs on this database (see ``info["dialect"]``).

    An index built only on one database (``ddl_if``) says which in its ``info``,
    so that comparing the models with another database does not miss it there.
    """
    return obj.info.get("dialect", dialect_name) == dialect_name


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=lambda obj, name, type_, reflected, compare_to: for_this_database(
            obj, connection.dialect.name
        ),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
