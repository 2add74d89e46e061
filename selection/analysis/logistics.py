"""Pre-qualification logistics checked against the mission's constraints (PRODUCT.md §2).

A blocking answer is not a score: it is a flag shown wherever the candidate appears, so the
team sees it before spending an interview on a mission the person cannot take.
"""

from __future__ import annotations

from dataclasses import dataclass

from selection.domain.model import Candidate, Recruitment

START_TOLERANCE_DAYS = 30


@dataclass(frozen=True)
class LogisticsFlag:
    blocking: bool
    message: str


def logistics_flags(recruitment: Recruitment, candidate: Candidate) -> list[LogisticsFlag]:
    """What in the candidate's answers conflicts with the mission (empty when nothing does)."""
    flags: list[LogisticsFlag] = []
    if recruitment.references_required and candidate.references_agreed is False:
        flags.append(LogisticsFlag(True, "refuse la prise de références"))
    if (
        recruitment.max_daily_rate
        and candidate.expected_daily_rate
        and candidate.expected_daily_rate > recruitment.max_daily_rate
    ):
        flags.append(
            LogisticsFlag(
                True,
                f"TJM demandé {candidate.expected_daily_rate} € > plafond "
                f"{recruitment.max_daily_rate} €",
            )
        )
    if (
        recruitment.days_per_week
        and candidate.days_per_week
        and candidate.days_per_week < recruitment.days_per_week
    ):
        flags.append(
            LogisticsFlag(
                True,
                f"disponible {_days(candidate.days_per_week)} j/sem. au lieu de "
                f"{_days(recruitment.days_per_week)}",
            )
        )
    if candidate.remote_ok is False:
        flags.append(LogisticsFlag(True, "politique de télétravail non acceptée"))
    if (
        recruitment.start_date
        and candidate.available_from
        and (candidate.available_from - recruitment.start_date).days > START_TOLERANCE_DAYS
    ):
        flags.append(
            LogisticsFlag(
                False,
                f"disponible le {candidate.available_from:%d/%m/%Y} (démarrage souhaité le "
                f"{recruitment.start_date:%d/%m/%Y})",
            )
        )
    if candidate.other_processes:
        flags.append(
            LogisticsFlag(False, f"autres démarches en cours : {candidate.other_processes}")
        )
    return flags


def logistics_badge(recruitment: Recruitment, candidate: Candidate) -> str:
    """One short text for tables; empty when nothing blocks."""
    blocking = [f.message for f in logistics_flags(recruitment, candidate) if f.blocking]
    return f"🚫 logistique : {'; '.join(blocking)}" if blocking else ""


def _days(value: float) -> str:
    return f"{value:g}".replace(".", ",")
