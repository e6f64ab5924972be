"""Alembic's entry point: runs the migrations on the connection quiz hands it at start-up, or, for a
developer running `alembic check` or `alembic revision --autogenerate` from the checkout, on the
database quiz would open ($QUIZ_DB, else the file in the user's data folder)."""

from alembic import context
from sqlalchemy import create_engine

from quiz import config
from quiz.store.models import Base

target_metadata = Base.metadata


def run(connection: object) -> None:
    # Batch mode: SQLite cannot ALTER most things, so a changed table is copied (Alembic's batch docs).
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:  # quiz upgrading its database at start-up
    run(given)
else:  # a developer's alembic command
    engine = create_engine(config.database_url())
    try:
        with engine.connect() as connection:
            run(connection)
    finally:
        engine.dispose()
