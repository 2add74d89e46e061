"""French number formatting for screens and documents (decimal comma, narrow no-break space)."""

from __future__ import annotations

import math

NNBSP = "\u202f"


def fr_number(value: float, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return text


def fr_percent(share: float, decimals: int = 0) -> str:
    """0.873 → « 87 % »."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{fr_number(share * 100, decimals)}{NNBSP}%"
