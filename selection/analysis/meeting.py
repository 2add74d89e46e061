"""What the decision-meeting screen shows, computed without Streamlit: filters, the ranked
table in French, and whether the what-if weights differ from the saved brief."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from selection.analysis.evidence import Evidence
from selection.analysis.robustness import RobustnessResult, analyse
from selection.analysis.scoring import VIEW_COLUMNS, Comparison, view_leaders
from selection.domain import labels
from selection.domain.formatting import fr_number, fr_percent
from selection.domain.model import Criterion, RecruitmentSnapshot, ValidationError
from selection.domain.stages import STAGE_BY_CODE, stage_index

WEIGHT_TOLERANCE = 1e-9


def filter_candidates(status: pd.DataFrame, *, active_only: bool, min_stage: str) -> list[str]:
    """Ids of candidates to compare: still in the process (unless all are asked for) and having
    reached at least ``min_stage``."""
    keep = status["etape_index"] >= stage_index(min_stage)
    if active_only:
        keep &= status["statut"] != "arrete"
    return list(status.loc[keep, "candidate_id"])


def weights_changed(criteria: Sequence[Criterion], weights: Mapping[str, float]) -> bool:
    return any(abs(weights.get(c.id, c.weight) - c.weight) > WEIGHT_TOLERANCE for c in criteria)


def format_score(value: float, view: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if view == "moyenne":
        return fr_percent(value)
    if view == "matrice":
        return fr_number(value, 1)
    return fr_number(value, 0)


def display_table(
    comparison: Comparison,
    status: pd.DataFrame,
    view: str,
    signals: Mapping[str, list[str]],
    first_probability: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ranked table beside the chart: every number the chart draws, in words and figures."""
    score_col, low_col, high_col = VIEW_COLUMNS[view]
    ranked = comparison.ranked(view)
    stage_by_id = status.set_index("candidate_id")
    rows = []
    for _, row in ranked.iterrows():
        st_row = stage_by_id.loc[row["candidate_id"]]
        rows.append(
            {
                "Rang": "—" if pd.isna(row["rang"]) else str(int(row["rang"])),
                "Candidat·e": row["candidat"],
                "Signaux": " · ".join(signals.get(row["candidate_id"], [])),
                labels.SCORE_VIEWS[view]: format_score(row[score_col], view),
                "Intervalle (pire – meilleur)": (
                    f"{format_score(row[low_col], view)} – {format_score(row[high_col], view)}"
                ),
                "Couverture": fr_percent(row["couverture"]),
                **(
                    {
                        "Probabilité d'être en tête": fr_percent(
                            first_probability.get(row["candidate_id"], 0.0)
                        )
                    }
                    if first_probability is not None
                    else {}
                ),
                "Étape": STAGE_BY_CODE[st_row["etape"]].label,
                "Statut": labels.CANDIDATE_STATUS[st_row["statut"]],
            }
        )
    return pd.DataFrame(rows)


def contribution_table(comparison: Comparison, view: str) -> pd.DataFrame:
    """What each criterion adds to each candidate's score in a view: the stacked bars in figures."""
    parts = comparison.contributions(view)
    table = parts.pivot(index="candidat", columns="critere", values="contribution")
    order = list(comparison.ranked(view)["candidat"])
    table = table.reindex(index=order, columns=list(comparison.weights.index))
    return table.map(lambda v: format_score(v, view))


def probability_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The SMAA figures in words: weights varied only, and (when the frame has it) with the
    missing evidence drawn too (see robustness.MISSING_PRIOR_HELP)."""
    ordered = frame.sort_values("probabilite_premier", ascending=False)
    columns = {
        "Candidat·e": ordered["candidat"],
        "Probabilité d'être en tête": [fr_percent(p) for p in ordered["probabilite_premier"]],
    }
    if "probabilite_premier_avec_manquantes" in ordered:
        columns["Avec les preuves manquantes tirées au hasard"] = [
            fr_percent(p) for p in ordered["probabilite_premier_avec_manquantes"]
        ]
    return pd.DataFrame(columns)


def flips_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: the weight now, the weight at which someone else would lead, and who."""
    return pd.DataFrame(
        {
            "Critère": frame["critere"],
            "Poids actuel": [fr_number(w, 1) for w in frame["poids_actuel"]],
            "Poids de bascule": [
                "aucun entre 0 et 3" if pd.isna(w) else fr_number(w, 2)
                for w in frame["poids_bascule"]
            ],
            "Nouvelle tête": [n if isinstance(n, str) else "—" for n in frame["nouvelle_tete"]],
        }
    )


def evolution_table(frame: pd.DataFrame) -> pd.DataFrame:
    table = frame.assign(
        etape=frame["etape"].map(lambda c: STAGE_BY_CODE[c].label),
        score=[fr_percent(v) for v in frame["score"]],
        couverture=[fr_percent(v) for v in frame["couverture"]],
    )
    return table.rename(
        columns={
            "candidat": "Candidat·e",
            "etape": "Étape",
            "score": "Score",
            "couverture": "Couverture",
        }
    )


def gap_table(gaps: Sequence) -> pd.DataFrame:
    """Open gaps for the meeting screen: who, which criterion, what is uncertain, why it matters."""
    from selection.analysis.gaps import GAP_KINDS

    return pd.DataFrame(
        {
            "Candidat·e": [g.candidate_name for g in gaps],
            "Critère": [g.criterion_label for g in gaps],
            "Nature": [", ".join(GAP_KINDS[k] for k in g.kinds) for g in gaps],
            "Décisif": ["oui" if g.relevant else "non" for g in gaps],
            "Pourquoi": [g.reason for g in gaps],
        }
    )


def analyse_robustness(
    snapshot: RecruitmentSnapshot | Evidence,
    comparison: Comparison,
    weights: Mapping[str, float],
    candidate_ids: Sequence[str],
) -> RobustnessResult:
    """Robustness of the comparison on screen, reusing it (and its evidence) rather than scoring
    again; a hand-made Comparison with two equal names starts from the snapshot instead."""
    try:
        return analyse(comparison)
    except ValidationError:
        return analyse(snapshot, weights, candidate_ids=candidate_ids)


# --- every sentence follows the chosen view ---------------------------------------------------

WEIGHTS_DO_NOT_APPLY = (
    "Dans la vue « Somme des critères validés », les pondérations ne changent rien : un critère "
    "validé (moyenne d'au moins 2,5) rapporte son niveau du cadrage (3, 2 ou 1), les curseurs "
    "n'ont donc aucun effet sur ce classement."
)


def leaders_by_view(comparison: Comparison) -> dict[str, list[str]]:
    """view → names first in that view (several on a tie, listed by name), as each view ranks
    them (in « valides », a candidate whose must-have failed cannot lead)."""
    return {view: view_leaders(comparison.table, view) for view in VIEW_COLUMNS}


def views_disagreement(comparison: Comparison) -> str | None:
    """A French warning when the three views do not name the same leader(s), saying who leads
    in each; None when they agree (or nobody has a rating yet).

    « Moyenne pondérée » and « Matrice » always agree (see Comparison.ranked): only the guide's
    « Somme des critères validés » can name somebody else."""
    leaders = leaders_by_view(comparison)
    if not any(leaders.values()) or all(v == leaders["moyenne"] for v in leaders.values()):
        return None
    details = " ; ".join(
        f"{labels.SCORE_VIEWS[view]} : {_names(names) or 'personne'}"
        for view, names in leaders.items()
    )
    return (
        "Attention, les vues ne placent pas la même personne en tête — "
        f"{details}. Dites en réunion quelle vue fait foi."
    )


def view_summary(comparison: Comparison, view: str, robustness: RobustnessResult | None) -> str:
    """The sentence shown above the ranking, for the view on screen.

    In « moyenne » and « matrice » the robustness sentence applies (both views rank alike, so the
    weight draws and thresholds are theirs). In « valides » the weights change nothing: the
    sentence names that view's leader(s) and says the sliders have no effect there."""
    if view not in VIEW_COLUMNS:
        raise ValidationError(f"Vue inconnue : « {view} ».")
    if view != "valides":
        return robustness.summary if robustness is not None else ""
    leaders = view_leaders(comparison.table, "valides")
    table = comparison.ranked("valides")
    if not leaders:
        head = (
            "Aucune candidature ne peut encore être classée dans la vue « Somme des critères "
            "validés »."
        )
    else:
        top = table.loc[table["candidat"] == leaders[0]].iloc[0]
        points = (
            f"{format_score(top['points_valides'], 'valides')} point"
            f"{'s' if top['points_valides'] >= 2 else ''} sur "
            f"{format_score(top['points_total'], 'valides')}"
        )
        if len(leaders) == 1:
            head = (
                f"Dans la vue « Somme des critères validés », {leaders[0]} est en tête ({points})."
            )
        else:
            head = (
                "Dans la vue « Somme des critères validés », "
                f"{_names(leaders)} sont à égalité en tête ({points})."
            )
    blocked = list(table.loc[table["obligatoires"] == "bloquant", "candidat"])
    if blocked:
        head += (
            f" {_names(blocked)} ne {'peut' if len(blocked) == 1 else 'peuvent'} pas être "
            "retenu·e·s : critère obligatoire non validé."
        )
    return f"{head} {WEIGHTS_DO_NOT_APPLY}"


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]
