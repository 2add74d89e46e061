"""How long each text may be, and how big an imported file may be: one place for both databases.

PostgreSQL enforces the length of a ``VARCHAR(n)`` column and SQLite does not, so the limits are
checked in the domain (``validated()`` of every entity, with a French message naming the field
and the limit) and ``schema.py`` takes its column lengths from here: a text refused on one
database is refused on the other, with the same message, before any SQL runs. Free texts stored
as ``TEXT`` (evidence, notes, reasons) get caps too, generous for a human writing after an
interview, small enough that a pasted document or a hostile file cannot fill the database.
"""

from __future__ import annotations

from selection.domain.errors import ValidationError
from selection.domain.formatting import fr_number

# ----------------------------------------------------------------- short texts (VARCHAR columns)
ID = 36  # identifiers (uuid4 hex: 32)
CODE = 20  # status, decision, severity, recommendation, role codes
STAGE = 40  # stage codes
STAGE_LIST = 200  # the stage codes of a criterion, comma-separated
TITLE = 200  # recruitment title
NAME = 200  # people's names and identity keys, signatures (« updated_by »…)
EMAIL = 200
LABEL = 200  # criterion label
SHORT_TEXT = 200  # team, remote-work policy, relation, organisation, journal subject
ROLE = 100
CATEGORY = 100
SOURCE = 100
PHONE = 50
JOURNAL_ACTION = 50
SETTING_KEY = 100

# ----------------------------------------------------------------- free texts (TEXT columns)
STATEMENT = 2_000  # « La personne est capable de … »
QUESTIONS = 5_000  # the question bank of a criterion, one question per line, all lines together
EVIDENCE = 10_000  # what the person said or did, written after the interview
DOUBT_NOTE = 2_000
REASON = 2_000  # of a stage decision, of an early debrief opening
NOTE = 5_000  # culture-fit observation, notes of a reference call
OTHER_PROCESSES = 1_000
JOURNAL_DETAILS = 10_000
SETTING_VALUE = 1_000

# ----------------------------------------------------------------- imported files
CSV_MAX_ROWS = 2_000  # lines under the header
CSV_MAX_BYTES = 1024 * 1024  # 1 Mo
CSV_LIMITS_SENTENCE = f"{fr_number(CSV_MAX_ROWS, 0)} lignes (sous l'en-tête) et 1 Mo au plus."


def check_length(value: str | None, limit: int, field: str) -> None:
    """Refuse, in French, a text longer than ``limit`` characters; ``field`` names it as the
    person sees it (« Nom », « Preuves »…)."""
    if value is not None and len(value) > limit:
        raise ValidationError(
            f"Le champ « {field} » est trop long : {fr_number(len(value), 0)} caractères pour "
            f"{fr_number(limit, 0)} au plus."
        )
