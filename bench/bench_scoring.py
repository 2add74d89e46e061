"""Benchmark of the decision-meeting computations (issue 5: « under 200 ms »).

Builds a synthetic recruitment — by default 1,000 candidates × 10 criteria × 5 stages ×
3 interviewers, every evaluation submitted, about 10 % « non évalué » — and times, best of 5 after
one warm-up run (time.perf_counter): compare(), robustness with 2,000 weight draws, the flip
thresholds, the gap analysis, and everything a what-if slider move recomputes. Then the scale curve
for 10, 100, 1,000 and 10,000 candidates. Prints Markdown tables.

Run: ``.venv/bin/python bench/bench_scoring.py`` from the repository root.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from selection.analysis.gaps import find_gaps, shortlist_gaps
from selection.analysis.robustness import analyse, weight_flip_thresholds
from selection.analysis.scoring import compare
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
)
from selection.domain.stages import SCORED_STAGE_CODES, STAGE_CODES

INTERVIEWERS = ("Aïcha", "Benoît", "Camille")
REPEAT = 5


def synthetic_snapshot(
    n_candidates: int, n_criteria: int = 10, seed: int = 7, missing: float = 0.1
) -> RecruitmentSnapshot:
    """Every candidate rated on every criterion at every stage by every interviewer."""
    rng = np.random.default_rng(seed)
    recruitment = Recruitment(id="bench", title="Banc d'essai")
    criteria = [
        Criterion(
            id=f"k{k}",
            recruitment_id="bench",
            label=f"Critère {k + 1}",
            weight_level=int(rng.integers(1, 4)),
            weight=float(rng.integers(1, 4)),
            must_have=k == 0,
            stages=SCORED_STAGE_CODES,
            position=k,
        )
        for k in range(n_criteria)
    ]
    candidates = [
        Candidate(id=f"c{i}", recruitment_id="bench", name=f"Personne {i:05d}")
        for i in range(n_candidates)
    ]
    level = rng.uniform(1.3, 2.8, size=(n_candidates, n_criteria))
    evaluations = []
    for i, cand in enumerate(candidates):
        for k, crit in enumerate(criteria):
            for stage in STAGE_CODES:
                noise = rng.normal(0, 0.6, size=len(INTERVIEWERS))
                gone = rng.random(len(INTERVIEWERS)) < missing
                doubts = rng.random(len(INTERVIEWERS)) < 0.02
                for r, who in enumerate(INTERVIEWERS):
                    rating = None if gone[r] else int(np.clip(round(level[i, k] + noise[r]), 1, 3))
                    evaluations.append(
                        Evaluation(
                            id=f"e{i}-{k}-{stage}-{r}",
                            candidate_id=cand.id,
                            stage=stage,
                            criterion_id=crit.id,
                            interviewer=who,
                            rating=rating,
                            evidence="Exemple concret cité en entretien.",
                            doubt=bool(doubts[r]),
                            doubt_note="À confirmer" if doubts[r] else "",
                        )
                    )
    return RecruitmentSnapshot(recruitment, criteria, candidates, evaluations)


def best_of(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def everything(snapshot: RecruitmentSnapshot) -> None:
    """What one slider move recomputes: scores, intervals, robustness (2,000 draws), flips, gaps."""
    comparison = compare(snapshot)
    analyse(comparison)
    find_gaps(snapshot)


def main() -> None:
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU")
    print()
    snapshot = synthetic_snapshot(1000)
    comparison = compare(snapshot)
    means = comparison.means.to_numpy(dtype=float)
    weights = comparison.weights.to_numpy(dtype=float)
    n_eval = len(snapshot.evaluations)
    print(f"## 1 000 candidats × 10 critères × 5 étapes × 3 personnes ({n_eval:,} évaluations)")
    print()
    print("| calcul | meilleur de 5 (ms) |")
    print("|---|---:|")
    rows = [
        ("compare() — scores, intervalles, 3 vues", lambda: compare(snapshot)),
        ("robustesse complète (analyse, 2 000 tirages)", lambda: analyse(comparison)),
        ("seuils de bascule seuls", lambda: weight_flip_thresholds(means, weights)),
        ("écarts à vérifier, toutes les candidatures (find_gaps)", lambda: find_gaps(snapshot)),
        (
            "écarts à vérifier, 3 premières places (shortlist_gaps)",
            lambda: shortlist_gaps(snapshot),
        ),
        ("scores + robustesse (compare + analyse)", lambda: analyse(compare(snapshot))),
        ("tout (compare + robustesse + écarts de toutes)", lambda: everything(snapshot)),
    ]
    for label, fn in rows:
        print(f"| {label} | {best_of(fn):.1f} |")
    print()
    print("## Courbe d'échelle (tout recalculer, meilleur de 5, ms)")
    print()
    print("| candidats | évaluations | compare | robustesse | écarts | tout |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (10, 100, 1000, 10000):
        snap = snapshot if n == 1000 else synthetic_snapshot(n)
        comp = compare(snap)
        repeat = 3 if n >= 10000 else REPEAT
        t_cmp = best_of(lambda snap=snap: compare(snap), repeat)
        t_rob = best_of(lambda comp=comp: analyse(comp), repeat)
        t_gap = best_of(lambda snap=snap: find_gaps(snap), repeat)
        t_all = best_of(lambda snap=snap: everything(snap), repeat)
        print(
            f"| {n:,} | {len(snap.evaluations):,} | {t_cmp:.1f} | {t_rob:.1f} | {t_gap:.1f} "
            f"| {t_all:.1f} |"
        )


if __name__ == "__main__":
    main()
