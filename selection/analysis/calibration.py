"""Interviewer calibration: is someone systematically harsher or more lenient than the rest of
the panel, and how well do interviewers agree on each criterion? (Greenhouse-style calibration
report, PRODUCT.md §7; agreement bands of PRODUCT.md §6.)

**Deviation of an interviewer.** For every (candidate, criterion, stage) that they rated together
with at least one other person (a *shared* rating), their rating minus the mean of the OTHER
raters of that same triple; their figure is the mean of these deviations. It is shown only once
they have at least ``MIN_SHARED`` shared ratings: below that, one interview would decide it
(« pas assez de notes partagées »). Negative = harsher than the rest of the panel, positive =
more lenient. People are grouped by identity key and shown by name.

**Agreement on a criterion.** Krippendorff's alpha at the ordinal level (the maintained
``krippendorff`` package), with units = candidate × stage (one interview) and coders = raters:
1 = perfect agreement, 0 = no better than chance. None when it cannot be computed (no interview
rated by two people, or no variation at all). Read with the bands PRODUCT.md §6 gives for
inter-rater agreement (Koo & Li 2016, for the ICC; used here as a plain reading guide): below
0.5 poor, 0.5–0.75 moderate, 0.75–0.9 good, above 0.9 excellent.

Both read the submitted ratings at scored stages of one :class:`Evidence`. Nothing here changes
any score: a leniency-adjusted view, if ever shown, must be labelled as such and never be the
default.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd

from selection.analysis.evidence import RATING_VALUES, Evidence, as_evidence, name_sort_key
from selection.domain.formatting import counted, fr_number
from selection.domain.model import RecruitmentSnapshot

MIN_SHARED = 5
# Below this mean deviation (in points), an interviewer is « en ligne » with the panel.
IN_LINE = 0.25
AGREEMENT_BANDS: tuple[tuple[float, str], ...] = (
    (0.5, "faible"),
    (0.75, "modéré"),
    (0.9, "bon"),
    (float("inf"), "excellent"),
)
NOT_ENOUGH_SHARED = "pas assez de notes partagées"


def _points(value: float) -> str:
    text = fr_number(abs(value), 1)
    return f"{text} point" + ("s" if abs(value) >= 2 else "")


@dataclass(frozen=True)
class RaterCalibration:
    """One interviewer: ``shared`` ratings given on a triple someone else rated too, and the
    mean deviation from the others there (None below MIN_SHARED shared ratings)."""

    key: str
    name: str
    ratings: int
    shared: int
    deviation: float | None

    @property
    def reading(self) -> str:
        if self.deviation is None:
            return (
                f"{NOT_ENOUGH_SHARED} ({self.shared} sur les {MIN_SHARED} nécessaires pour "
                "comparer)"
            )
        if abs(self.deviation) < IN_LINE:
            return (
                "en ligne avec le reste du panel (écart moyen de "
                f"{_points(self.deviation)}, sur {self.shared} notes partagées)"
            )
        side = "plus sévère" if self.deviation < 0 else "plus indulgent·e"
        return (
            f"{side} que le reste du panel de {_points(self.deviation)} en moyenne "
            f"(sur {self.shared} notes partagées)"
        )


def rater_calibration(source: RecruitmentSnapshot | Evidence) -> list[RaterCalibration]:
    """Every interviewer who submitted a rating, listed by name (see the module docstring)."""
    ev = as_evidence(source)
    n_rater = len(ev.rater_keys)
    if n_rater == 0:
        return []
    n_stage = len(ev.stages)
    triple = (
        ev.rating_candidate * len(ev.criteria) + ev.rating_criterion
    ) * n_stage + ev.rating_stage
    _, inverse, counts = np.unique(triple, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ev.rating_value)
    n = counts[inverse]
    shared = n >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        others = (sums[inverse] - ev.rating_value) / (n - 1)
    deviation = np.where(shared, ev.rating_value - others, 0.0)
    total = np.bincount(ev.rating_rater, minlength=n_rater)
    shared_count = np.bincount(ev.rating_rater, weights=shared, minlength=n_rater)
    dev_sum = np.bincount(ev.rating_rater, weights=deviation, minlength=n_rater)
    out = []
    for r, key in enumerate(ev.rater_keys):
        k = int(shared_count[r])
        out.append(
            RaterCalibration(
                key=key,
                name=ev.rater_names[r],
                ratings=int(total[r]),
                shared=k,
                deviation=float(dev_sum[r] / k) if k >= MIN_SHARED else None,
            )
        )
    return sorted(out, key=lambda c: (name_sort_key(c.name), c.key))


@dataclass(frozen=True)
class CriterionAgreement:
    """Agreement between interviewers on one criterion: Krippendorff's alpha (ordinal), the
    number of interviews rated by at least two people, of ratings in them, and of raters."""

    criterion_id: str
    label: str
    alpha: float | None
    units: int
    ratings: int
    raters: int

    @property
    def band(self) -> str | None:
        if self.alpha is None:
            return None
        return next(label for limit, label in AGREEMENT_BANDS if self.alpha < limit)

    @property
    def reading(self) -> str:
        if self.alpha is None and self.units:
            interviews = counted(self.units, "entretien noté", "entretiens notés")
            return (
                f"les mêmes notes sur {interviews} à plusieurs : aucun désaccord, mais l'accord "
                "ne se mesure pas encore (α demande des notes qui varient)"
            )
        if self.alpha is None:
            return "accord non calculable : il faut au moins un entretien noté par deux personnes"
        text = (
            f"accord {self.band} entre les personnes (α = {fr_number(self.alpha, 2)}, "
            f"{self.units} entretien{'s' if self.units > 1 else ''} noté"
            f"{'s' if self.units > 1 else ''} à plusieurs)"
        )
        if self.units < MIN_SHARED:
            text += " ; peu de données, à lire avec prudence"
        return text


def reliability_matrix(ev: Evidence, criterion: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """raters × units matrix (NaN where a rater did not rate that unit) for one criterion, with
    units = (candidate row, scored-stage index) rated by at least one person, in that order."""
    mask = ev.rating_criterion == criterion
    cand, stage = ev.rating_candidate[mask], ev.rating_stage[mask]
    rater, value = ev.rating_rater[mask], ev.rating_value[mask]
    unit_code = cand * len(ev.stages) + stage
    codes, unit = np.unique(unit_code, return_inverse=True)
    matrix = np.full((len(ev.rater_keys), codes.size), np.nan)
    matrix[rater, unit] = value
    units = [(int(c // len(ev.stages)), int(c % len(ev.stages))) for c in codes.tolist()]
    return matrix, units


def criterion_agreement(source: RecruitmentSnapshot | Evidence) -> list[CriterionAgreement]:
    """One agreement figure per criterion of the brief, in brief order."""
    ev = as_evidence(source)
    out = []
    for k, crit in enumerate(ev.criteria):
        matrix, _ = reliability_matrix(ev, k)
        filled = (~np.isnan(matrix)).sum(axis=0)
        pairable = filled >= 2
        rows = (~np.isnan(matrix[:, pairable])).any(axis=1)
        alpha = None
        if pairable.any():
            with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                value = krippendorff.alpha(
                    reliability_data=matrix,
                    level_of_measurement="ordinal",
                    value_domain=list(RATING_VALUES),
                )
            alpha = None if np.isnan(value) else float(value)
        out.append(
            CriterionAgreement(
                criterion_id=crit.id,
                label=crit.label,
                alpha=alpha,
                units=int(pairable.sum()),
                ratings=int(filled[pairable].sum()),
                raters=int(rows.sum()),
            )
        )
    return out


def calibration_frame(calibrations: list[RaterCalibration]) -> pd.DataFrame:
    """Numbers for the calibration chart: interviewers with a figure only."""
    shown = [c for c in calibrations if c.deviation is not None]
    return pd.DataFrame(
        {
            "personne": [c.name for c in shown],
            "ecart": [c.deviation for c in shown],
            "notes_partagees": [c.shared for c in shown],
            "lecture": [c.reading for c in shown],
        },
        columns=["personne", "ecart", "notes_partagees", "lecture"],
    )


def calibration_table(calibrations: list[RaterCalibration]) -> pd.DataFrame:
    """The interviewers' calibration in French, for the screen."""
    return pd.DataFrame(
        {
            "Évaluateur·rice": [c.name for c in calibrations],
            "Notes soumises": [c.ratings for c in calibrations],
            "Notes partagées": [c.shared for c in calibrations],
            "Écart moyen au reste du panel": [
                "—" if c.deviation is None else fr_number(c.deviation, 2) for c in calibrations
            ],
            "Lecture": [c.reading for c in calibrations],
        }
    )


def agreement_table(agreements: list[CriterionAgreement]) -> pd.DataFrame:
    """The agreement per criterion in French, for the screen."""
    return pd.DataFrame(
        {
            "Critère": [a.label for a in agreements],
            "Alpha de Krippendorff": [
                "—" if a.alpha is None else fr_number(a.alpha, 2) for a in agreements
            ],
            "Entretiens notés à plusieurs": [a.units for a in agreements],
            "Personnes": [a.raters for a in agreements],
            "Lecture": [a.reading for a in agreements],
        }
    )


CALIBRATION_HELP = (
    "Pour chaque personne : sa note moins la moyenne des autres personnes qui ont noté le même "
    "critère, pour la même candidature, à la même étape ; la moyenne de ces écarts n'est donnée "
    f"qu'à partir de {MIN_SHARED} notes partagées. Négatif : plus sévère que le reste du panel ; "
    "positif : plus indulgent. L'alpha de Krippendorff (ordinal) mesure l'accord sur un "
    "critère : 1 = accord parfait, 0 = pas mieux que le hasard ; lecture : moins de 0,5 faible, "
    "0,5 à 0,75 modéré, 0,75 à 0,9 bon, plus de 0,9 excellent. Ces chiffres n'entrent dans "
    "aucun score."
)
