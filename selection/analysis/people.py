"""Tables about candidates, in French, for the candidates screen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from selection.domain import labels
from selection.domain.model import Candidate, RecruitmentSnapshot
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


def distinct_names(candidates: Sequence[Candidate]) -> Sequence[Candidate]:
    """The same people, namesakes told apart for screens and files: « Kévin Martin (1) »,
    « Kévin Martin (2) », in the recruitment's order. Tables, charts and files of the meeting
    list people by name: two people with one name would be merged or break them. Returns the
    sequence itself when every name is already distinct (nothing is copied)."""
    counts = Counter(c.name for c in candidates)
    if all(n == 1 for n in counts.values()):
        return candidates
    taken = set(counts)
    seen: Counter = Counter()
    out = []
    for c in candidates:
        if counts[c.name] == 1:
            out.append(c)
            continue
        seen[c.name] += 1
        number = seen[c.name]
        shown = f"{c.name} ({number})"
        while shown in taken:  # a real name already looks like that
            number += counts[c.name]
            shown = f"{c.name} ({number})"
        taken.add(shown)
        out.append(replace(c, name=shown))
    return out
