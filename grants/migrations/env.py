"""Alembic environment: always handed a live connection by `grants.db.migrate`."""

from __future__ import annotations

from alembic import context

from grants.db.migrate import compare_type
from grants.db.models import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations through `grants db upgrade` (grants.db.migrate)")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=compare_type,
)
with context.begin_transaction():
    context.run_migrations()
