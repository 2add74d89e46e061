"""Identifiers and the clock, shared by every floor."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime


def new_id() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    """Naive UTC, so SQLite and PostgreSQL store and return the same value."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
