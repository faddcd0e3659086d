"""Alembic revisions, named NNNN_what and applied in order."""
