"""Alembic's entry point: runs migrations on the connection quiz hands it."""

from alembic import context

from quiz.store.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - quiz always passes its own connection
    raise RuntimeError("run migrations through quiz: the database is upgraded at start-up")

context.configure(
    connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True
)
with context.begin_transaction():
    context.run_migrations()
