"""Alembic environment for the review database: run on the connection ``plano.review.db`` hands over."""

from alembic import context

from plano.review.db import METADATA

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=METADATA, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
