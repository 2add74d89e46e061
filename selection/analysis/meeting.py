"""What the decision-meeting screen shows, computed without Streamlit: filters, the ranked
table in French, and whether the what-if weights differ from the saved brief."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from selection.analysis.evidence import Evidence
from selection.analysis.robustness import RobustnessResult, analyse
from selection.analysis.scoring import VIEW_COLUMNS, Comparison, score_key, view_leaders
from selection.analysis.signals import MUST_HAVE_BADGES
from selection.domain import labels
from selection.domain.formatting import NNBSP, fr_number, fr_percent
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


# Figures are rounded to this many decimals before they are written, so the order in which a
# sum was added up (numpy's dot products here, plain loops in the browser's weight board) never
# decides how a value such as 5,45 is written.
SHOWN_DECIMALS = 9


def shown(value: float) -> float:
    """A figure as it is written: rounded to SHOWN_DECIMALS (see ui/meeting_board.js, same)."""
    return round(float(value), SHOWN_DECIMALS)


def share_text(share: float) -> str:
    """A share written as a percentage (« 79 % »), from its rounded value."""
    if share is None or np.isnan(share):
        return "—"
    return fr_percent(shown(share))


def format_score(value: float, view: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if view == "moyenne":
        return share_text(value)
    if view == "matrice":
        return fr_number(shown(value), 1)
    return fr_number(shown(value), 0)


# Must-have state, short, for the ranking table and badges (MUST_HAVE_STATUS has the long form).
MUST_HAVE_SHORT: dict[str, str] = {
    "ok": "✔ validés",
    "a_confirmer": "❓ à confirmer",
    "bloquant": "⛔ non validé : ne peut pas être retenu·e",
    "sans_objet": "—",
}
NOT_RATED_SHORT = "n.é."


def numbered_labels(labels: Sequence[str]) -> list[str]:
    """Criterion labels with their number in the brief (« 3 · Qualité du code »): the number is
    what the chart segments, the rating grid and the tables share."""
    return [f"{i + 1} · {label}" for i, label in enumerate(labels)]


def row_ids(comparison: Comparison) -> list[str]:
    """Candidate ids in the row order of ``comparison.means``."""
    ev = comparison.evidence
    if ev is not None and len(ev.candidate_ids) == len(comparison.means.index):
        return list(ev.candidate_ids)
    by_name = dict(zip(comparison.table["candidat"], comparison.table["candidate_id"], strict=True))
    return [by_name[name] for name in comparison.means.index]


def unique_names(comparison: Comparison) -> list[str]:
    """Names in the row order of ``comparison.means``, two people with the same name told apart
    (« Camille Martin (2) »), so a chart never merges them."""
    seen: dict[str, int] = {}
    out = []
    for name in comparison.means.index:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def contribution_matrix(comparison: Comparison, view: str) -> np.ndarray:
    """candidates × criteria contributions of a view (rows in ``comparison.means`` order), from
    ``Comparison.contributions``: what each criterion adds to the score."""
    n_cand, n_crit = comparison.means.shape
    values = comparison.contributions(view)["contribution"].to_numpy(dtype=float)
    return values.reshape(n_crit, n_cand).T  # contributions() lists criterion by criterion


def display_table(
    comparison: Comparison,
    status: pd.DataFrame,
    view: str,
    signals: Mapping[str, list[str]],
    first_probability: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """The ranked table beside the chart: every number the chart draws, in words and figures,
    and each candidate's must-have state in words (the signals column keeps the other signs)."""
    score_col, low_col, high_col = VIEW_COLUMNS[view]
    ranked = comparison.ranked(view)
    by_id = status.set_index("candidate_id")
    ids = list(ranked["candidate_id"])
    stage = by_id["etape"].reindex(ids)
    state = by_id["statut"].reindex(ids)
    must_badges = set(MUST_HAVE_BADGES.values())
    rated = ranked["nb_notes"].to_numpy() > 0
    columns: dict[str, list[str]] = {
        "Rang": ["—" if pd.isna(r) else str(int(r)) for r in ranked["rang"]],
        "Candidat·e": list(ranked["candidat"]),
        labels.SCORE_VIEWS[view]: [format_score(v, view) for v in ranked[score_col]],
        "Intervalle (pire – meilleur)": [
            f"{format_score(lo, view)} – {format_score(hi, view)}"
            for lo, hi in zip(ranked[low_col], ranked[high_col], strict=True)
        ],
        "Couverture": [share_text(v) for v in ranked["couverture"]],
    }
    if first_probability is not None:
        columns["Probabilité d'être en tête"] = [
            fr_percent(first_probability.get(cid, 0.0)) for cid in ids
        ]
    columns["Critères obligatoires"] = [
        MUST_HAVE_SHORT.get(s, s) if r else "—"
        for s, r in zip(ranked["obligatoires"], rated, strict=True)
    ]
    columns["Signaux"] = [
        " · ".join(b for b in signals.get(cid, []) if b not in must_badges) for cid in ids
    ]
    columns["Étape"] = [STAGE_BY_CODE[c].label for c in stage]
    columns["Statut"] = [labels.CANDIDATE_STATUS[s] for s in state]
    return pd.DataFrame(columns)


def contribution_table(comparison: Comparison, view: str) -> pd.DataFrame:
    """What each criterion adds to each candidate's score in a view (the stacked bars in
    figures), in the view's order, with the coverage. A criterion nobody rated for that person
    reads « n.é. » (non évalué), never « 0 »: it is left out of the score, which a zero would
    contradict."""
    part = contribution_matrix(comparison, view)
    missing = np.isnan(comparison.means.to_numpy(dtype=float))
    names = unique_names(comparison)
    coverage = dict(
        zip(comparison.table["candidate_id"], comparison.table["couverture"], strict=True)
    )
    ids = row_ids(comparison)
    rows = _ranked_rows(comparison, view)
    columns: dict[str, list[str]] = {
        "Candidat·e": [names[i] for i in rows],
        "Couverture": [share_text(coverage[ids[i]]) for i in rows],
    }
    for k, label in enumerate(numbered_labels(list(comparison.weights.index))):
        columns[label] = [
            NOT_RATED_SHORT if missing[i, k] else format_score(part[i, k], view) for i in rows
        ]
    return pd.DataFrame(columns)


def _ranked_rows(comparison: Comparison, view: str) -> list[int]:
    """Rows of ``comparison.means`` in the order of the view's ranking."""
    position = {cid: i for i, cid in enumerate(row_ids(comparison))}
    return [position[cid] for cid in comparison.ranked(view)["candidate_id"]]


def probability_text(p: float) -> str:
    """A probability as the team reads it: « moins de 1 % » rather than a « 0 % » that would say
    « never », « plus de 99 % » rather than a « 100 % » that would say « always »."""
    if p is None or np.isnan(p):
        return "—"
    if p <= 0:
        return fr_percent(0.0)
    if p >= 1:
        return fr_percent(1.0)
    if p < 0.005:
        return f"moins de 1{NNBSP}%"
    if p > 0.995:
        return f"plus de 99{NNBSP}%"
    return fr_percent(p)


PROBABILITY_COLUMNS = (
    "Pondérations variées",
    "Pondérations et preuves manquantes tirées",
)


def probability_table(frame: pd.DataFrame, *, contenders_only: bool = False) -> pd.DataFrame:
    """The SMAA figures in words, in the ranking's order (``frame``: RobustnessResult.to_frame,
    leader first): weights varied only, and (when the frame has it) with the missing evidence
    drawn too (see robustness.MISSING_PRIOR_HELP). ``contenders_only`` keeps the people who
    lead in at least one draw (the rows the chart draws)."""
    rows = frame
    second = "probabilite_premier_avec_manquantes" in frame
    if contenders_only:
        keep = frame["probabilite_premier"] > 0
        if second:
            keep |= frame["probabilite_premier_avec_manquantes"] > 0
        rows = frame[keep]
    columns = {
        "Candidat·e": list(rows["candidat"]),
        PROBABILITY_COLUMNS[0]: [probability_text(p) for p in rows["probabilite_premier"]],
    }
    if second:
        columns[PROBABILITY_COLUMNS[1]] = [
            probability_text(p) for p in rows["probabilite_premier_avec_manquantes"]
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


def spread_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The disagreement chart's data in words (``charts.comparison.spread_frame``)."""
    return pd.DataFrame(
        {
            "Candidat·e": list(frame["candidat"]),
            "Critère": list(frame["critere"]),
            "Écart": [fr_number(v, 1) for v in frame["ecart"]],
            "Étape": [e or "—" for e in frame["etape"]],
            "Désaccord fort": ["oui" if f else "non" for f in frame["desaccord_fort"]],
        }
    )


def gaps_by_person(gaps: Sequence) -> list[tuple[str, list[tuple[str, bool, str]]]]:
    """The gaps as the meeting reads them, person by person in the order of the gaps (the
    decisive points first): (name, [(criterion, decisive, why)]). The sentence already says
    what is missing."""
    groups: dict[str, list[tuple[str, bool, str]]] = {}
    for g in gaps:
        groups.setdefault(g.candidate_name, []).append((g.criterion_label, g.relevant, g.reason))
    return list(groups.items())


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

# One sentence of in-app help per figure of the meeting (also in the decision record).
FIGURE_HELP: dict[str, str] = {
    "score": (
        "Score : moyenne des notes (1 à 3) pondérée par les poids des critères, ramenée de 0 % "
        "(que des 1) à 100 % (que des 3), sur les seuls critères notés — une note manquante "
        "n'est jamais comptée comme zéro."
    ),
    "intervalle": (
        "Intervalle : le score que la personne aurait si toutes ses notes manquantes valaient "
        "1 (pire cas) ou 3 (meilleur cas) ; plus il est large, plus il manque de preuves."
    ),
    "couverture": (
        "Couverture : la part du poids total des critères pour laquelle la personne a au moins "
        "une note ; 100 % veut dire que chaque critère a été évalué."
    ),
    "probabilite": (
        "Probabilité d'être en tête : la part de 2 000 tirages où la personne arrive première "
        "quand chaque poids varie au hasard de ±30 % autour de celui choisi."
    ),
    "probabilite_manquantes": (
        "Probabilité avec les preuves manquantes : la même, en tirant aussi chaque note "
        "manquante selon les notes que le panel a déjà données à ce critère ; nettement plus "
        "basse, elle dit que des preuves à venir peuvent changer la tête du classement."
    ),
    "bascule": (
        "Poids de bascule : la valeur qu'il faudrait donner à ce seul poids, les autres restant "
        "fixes, pour qu'une autre personne passe en tête ; plus il est proche du poids actuel, "
        "plus le choix dépend de ce réglage."
    ),
    "desaccord": (
        "Désaccord : l'écart entre la note la plus haute et la plus basse données au même "
        "critère par les personnes d'une même étape ; 2 points (un 1 et un 3) est un désaccord "
        "fort, à lever avant de décider."
    ),
    "calibration": (
        "Écart moyen au reste du panel : la note d'une personne moins la moyenne des autres sur "
        "les mêmes entretiens, en moyenne ; négatif, elle note plus sévèrement, positif, plus "
        "généreusement — aucun score n'est corrigé."
    ),
    "alpha": (
        "Alpha de Krippendorff : l'accord entre les personnes sur un critère, de 1 (toujours "
        "d'accord) à 0 (pas mieux que le hasard) ; en dessous de 0,5, le critère est compris "
        "différemment et mérite d'être reprécisé."
    ),
}

# Robustness draws and the gaps weigh criteria: in the guide's view (no weights) they reason on
# the weighted mean, and may name another leader than the ranking above them.
WEIGHTED_SECTIONS_NOTE = (
    "Cette partie raisonne sur la moyenne pondérée, pas sur la somme des critères validés : "
    "les tirages font varier des poids, que cette vue n'utilise pas. La personne en tête peut "
    "donc y différer du classement ci-dessus."
)


def weighted_sections_note(view: str) -> str | None:
    """The note for the robustness and the gaps when the view does not weigh criteria."""
    return WEIGHTED_SECTIONS_NOTE if view == "valides" else None


WEIGHTS_DO_NOT_APPLY = (
    "Dans la vue « Somme des critères validés », les pondérations ne changent rien : un critère "
    "validé (moyenne d'au moins 2,5) rapporte son niveau du cadrage (3, 2 ou 1), les curseurs "
    "n'ont donc aucun effet sur ce classement."
)


def leaders_by_view(comparison: Comparison) -> dict[str, list[str]]:
    """view → names first in that view (several on a tie, listed by name), as each view ranks
    them (in « valides », a candidate whose must-have failed cannot lead). Same answer as
    ``scoring.view_leaders`` (one tie rule, ``score_key``), read from the keys without sorting
    the table: this runs on every slider move."""
    table = comparison.table
    if "ordre_nom" not in table:  # a hand-made table: rank it the slow way
        return {view: view_leaders(table, view) for view in VIEW_COLUMNS}
    out = {}
    for view, (column, _, _) in VIEW_COLUMNS.items():
        keep = np.ones(len(table), dtype=bool)
        if view == "valides" and "obligatoires" in table:
            keep = (table["obligatoires"] != "bloquant").to_numpy()
        key = score_key(table, column)[keep]
        if key.size == 0 or np.isnan(key).all():
            out[view] = []
            continue
        first = np.flatnonzero(key == np.nanmax(key))
        names = table["candidat"].to_numpy()[keep][first]
        by_name = table["ordre_nom"].to_numpy()[keep][first]
        out[view] = [str(n) for n in names[np.argsort(by_name, kind="stable")]]
    return out


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


def scope_sentence(comparison: Comparison, hidden: Sequence[str]) -> str | None:
    """When the screen compares fewer than two people with ratings while others with ratings are
    out of the filters, the sentence that says so (None otherwise)."""
    scored = comparison.table.loc[comparison.table["nb_notes"] > 0, "candidat"].tolist()
    if len(scored) >= 2 or not hidden:
        return None
    others = len(hidden)
    rest = (
        f"{others} autre{'s' if others > 1 else ''} personne{'s' if others > 1 else ''} "
        f"{'ont' if others > 1 else 'a'} des notes mais "
        f"{'sont' if others > 1 else 'est'} hors des filtres choisis (par exemple arrêtée"
        f"{'s' if others > 1 else ''} après le choix final) : choisissez « Toutes » pour "
        "comparer."
    )
    if not scored:
        return f"Aucune des candidatures affichées n'a de note ; {rest}"
    return f"Une seule candidature affichée a des notes ({scored[0]}) ; {rest}"


def view_summary(
    comparison: Comparison,
    view: str,
    robustness: RobustnessResult | None,
    *,
    hidden: Sequence[str] = (),
) -> str:
    """The sentence shown above the ranking, for the view on screen.

    In « moyenne » and « matrice » the robustness sentence applies (both views rank alike, so the
    weight draws and thresholds are theirs). In « valides » the weights change nothing: the
    sentence names that view's leader(s) and says the sliders have no effect there. When the
    filters leave fewer than two people with ratings while others have some, the sentence says
    so (``hidden``: their names), rather than « une seule candidature a des notes »."""
    if view not in VIEW_COLUMNS:
        raise ValidationError(f"Vue inconnue : « {view} ».")
    scope = scope_sentence(comparison, hidden)
    if scope is not None:
        return scope
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


def names_list(names: Sequence[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    return _names(names)


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]
