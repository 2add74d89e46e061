"""The fixed catalogues a screen lists (stages, decisions, severities), read-only."""

from __future__ import annotations

from selection.domain.model import SEVERITIES
from selection.domain.stages import CULTURE, REFERENCES, STAGE_BY_CODE, STAGES

STAGE_CODES: tuple[str, ...] = tuple(s.code for s in STAGES)
CULTURE_STAGE = CULTURE
REFERENCE_STAGE = REFERENCES
SEVERITY_CODES: tuple[str, ...] = SEVERITIES


def stage_label(code: str) -> str:
    return STAGE_BY_CODE[code].label


def stage_purpose(code: str) -> str:
    return STAGE_BY_CODE[code].purpose


def stage_index(code: str) -> int:
    return STAGE_BY_CODE[code].order - 1


def is_scored(code: str) -> bool:
    return STAGE_BY_CODE[code].scored
