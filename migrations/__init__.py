"""Alembic migrations; applied by `homeward migrate`, the run command and the test fixtures."""
