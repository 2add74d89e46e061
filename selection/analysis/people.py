"""Tables about candidates, in French, for the candidates screen."""

from __future__ import annotations

import pandas as pd

from selection.domain import labels
from selection.domain.model import RecruitmentSnapshot
from selection.domain.stages import STAGE_BY_CODE


def candidate_overview(
    snapshot: RecruitmentSnapshot, status: pd.DataFrame, signals: dict[str, list[str]]
) -> pd.DataFrame:
    """One line per person: where they are, their status, the last decision, warning signs."""
    by_id = status.set_index("candidate_id")
    rows = []
    for c in snapshot.candidates:
        st_row = by_id.loc[c.id]
        last = st_row["derniere_decision"]
        rows.append(
            {
                "Candidat·e": c.name,
                "Signaux": " · ".join(signals.get(c.id, [])),
                "Contact": c.email,
                "Origine": c.source,
                "Étape": STAGE_BY_CODE[st_row["etape"]].label,
                "Statut": labels.CANDIDATE_STATUS[st_row["statut"]],
                "Dernière décision": labels.DECISIONS[last] if isinstance(last, str) else "—",
                "Références": {True: "accord", False: "refus", None: "à demander"}[
                    c.references_agreed
                ],
            }
        )
    return pd.DataFrame(rows)
