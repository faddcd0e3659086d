"""Alembic migrations for the store, run by `snapshots.migrate` (no alembic.ini needed)."""
