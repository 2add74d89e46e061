"""French number formatting for screens and documents (decimal comma, narrow no-break space)."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime

NNBSP = "\u202f"


def fr_number(value: float, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", NNBSP).replace(".", ",")
    return text


def fr_trimmed(value: float, decimals: int = 1) -> str:
    """A French number without useless decimals: « 3 », « 2,5 », « 1,3 » (1.333), and with
    two decimals « 1,25 » but « 2,5 »."""
    text = fr_number(value, decimals)
    return text.rstrip("0").removesuffix(",") if "," in text else text


def fr_percent(share: float, decimals: int = 0) -> str:
    """0.873 → « 87 % »."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{fr_number(share * 100, decimals)}{NNBSP}%"


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 note », « 3 notes », « 2 000 personnes »: a number with its word in agreement (French:
    0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{fr_number(count, 0)} {word}"


_ELIDING = set("aeiouhàâäéèêëîïôöùûüœæ")


def _elides(word: str) -> bool:
    """French elision before a vowel or a silent h (Alice, Émile, Hélène; not Yann)."""
    first = word.lstrip("\u2060\u200b \t")[:1].lower()
    return bool(first) and first in _ELIDING


def de(name: str) -> str:
    """« de Bastien », « d'Alice »."""
    return f"d'{name}" if _elides(name) else f"de {name}"


def que(name: str) -> str:
    """« que Bastien », « qu'Alice »."""
    return f"qu'{name}" if _elides(name) else f"que {name}"


# A text cell starting with one of these would be run as a formula by a spreadsheet (OWASP).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")


def slugify(text: str, fallback: str = "export") -> str:
    """Lower-case ASCII words joined by hyphens: safe in a file name on every system."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", letters).strip("-")
    return slug[:60].strip("-") or fallback


def export_filename(
    recruitment_title: str, what: str, ext: str, on: date, variant: str = ""
) -> str:
    """A file name saying what, for which recruitment, and when, e.g.
    ``comparaison-developpeur-se-fullstack-2026-11-28.csv``; ``variant`` tells two formats apart."""
    day = on.date() if isinstance(on, datetime) else on
    parts = [slugify(what), slugify(recruitment_title, "recrutement")]
    if variant:
        parts.append(slugify(variant))
    parts.append(day.isoformat())
    extension = re.sub(r"[^a-z0-9]", "", (ext or "").lower()) or "txt"
    return "-".join(parts) + "." + extension
