"""Spreadsheet imports as a use case: the ready-to-fill templates, then checking and adding."""

from __future__ import annotations

from selection.documents.exports import to_csv
from selection.domain.model import ValidationError
from selection.storage.csv_import import TEMPLATES, Kind


def template_csv(kind: Kind, dialect: str = "excel_fr") -> bytes:
    """A ready-to-fill CSV with the expected headers and two example lines."""
    if kind not in TEMPLATES:
        raise ValidationError(f"Modèle inconnu : « {kind} ».")
    return to_csv(TEMPLATES[kind], dialect)
