"""The one error a user may read: bad input or a refused action, in French."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input, with a message meant for the user (in French)."""
