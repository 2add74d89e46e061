"""Benchmark of the decision-meeting engine (issue « meeting at the speed of thought », item 4).

Builds a synthetic recruitment — by default 1,000 candidates × 10 criteria × 5 stages ×
3 interviewers, every evaluation submitted, about 10 % « non évalué », one must-have, 2 % doubts —
and times (time.perf_counter, one warm-up run, then ``--repeat`` runs; min and median):

- ``build_evidence``: reading the snapshot once into arrays (done once per snapshot revision);
- once the evidence is built: ``compare`` (scores, intervals, three views), ``analyse``
  (robustness: 2,000 weight draws, the second figure with the missing means drawn too, flip
  thresholds), ``analyse_gaps`` (every gap of every candidate and its effect on the decision, as
  arrays) and ``find_gaps`` (the same written out as Gap objects);
- the slider path: re-weighting an existing evidence of 30 candidates × 10 criteria
  (compare + analyse + shortlist gaps with what-if weights).

Then the scale curve for 100, 1,000 and 10,000 candidates, with the ratio between steps (×10
candidates). The machine load (/proc/loadavg) is printed before and after: on a shared machine,
read ratios rather than absolute times. No timed assertion anywhere: this only prints.

Run: ``.venv/bin/python bench/bench_scoring.py [--repeat 5] [--sizes 100,1000,10000]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from itertools import pairwise

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from selection.analysis.evidence import build_evidence
from selection.analysis.gaps import analyse_gaps, find_gaps, shortlist_gaps
from selection.analysis.robustness import analyse
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


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(min, median) in milliseconds after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def loadavg() -> str:
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "inconnue"


def fmt(pair: tuple[float, float]) -> str:
    low, mid = pair
    return f"{low:.1f} / {mid:.1f}"


def engine(ev) -> None:
    """Everything the meeting recomputes once the evidence is built: scores, intervals,
    robustness (2,000 draws, both figures, flips) and the gaps of every candidate."""
    analyse(compare(ev))
    find_gaps(ev)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPU")
    print(f"Charge au début (loadavg 1/5/15 min) : {loadavg()}")
    print()

    # The slider path: one evidence of 30 candidates, re-weighted.
    small = build_evidence(synthetic_snapshot(30))
    rng = np.random.default_rng(1)
    weights = [
        {c.id: float(w) for c, w in zip(small.criteria, rng.uniform(0, 3, 10), strict=True)}
        for _ in range(8)
    ]
    turn = iter(range(10**9))

    def slider() -> None:
        w = weights[next(turn) % len(weights)]
        comparison = compare(small, w)
        analyse(comparison)
        shortlist_gaps(small, w)

    print("## Curseur : repondérer 30 candidatures × 10 critères (évidence déjà construite)")
    print()
    print("| calcul | min / médiane (ms) |")
    print("|---|---:|")
    print(f"| compare + robustesse + manques de la sélection | {fmt(timed(slider, 20))} |")
    print()

    print("## Courbe d'échelle (min / médiane, ms)")
    print()
    header = (
        "| candidatures | évaluations | build_evidence | compare | robustesse | manques "
        "(tableaux) | manques (objets) | moteur complet |"
    )
    print(header)
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    totals = {}
    for n in sizes:
        snap = synthetic_snapshot(n)
        repeat = max(3, args.repeat // 2) if n >= 10000 else args.repeat
        t_build = timed(lambda snap=snap: build_evidence(snap), max(3, repeat // 2))
        ev = build_evidence(snap)
        comparison = compare(ev)
        t_cmp = timed(lambda ev=ev: compare(ev), repeat)
        t_rob = timed(lambda c=comparison: analyse(c), repeat)
        t_gap_arrays = timed(lambda ev=ev: analyse_gaps(ev), repeat)
        t_gap_objects = timed(lambda ev=ev: find_gaps(ev), repeat)
        t_all = timed(lambda ev=ev: engine(ev), repeat)
        totals[n] = t_all
        print(
            f"| {n:,} | {len(snap.evaluations):,} | {fmt(t_build)} | {fmt(t_cmp)} "
            f"| {fmt(t_rob)} | {fmt(t_gap_arrays)} | {fmt(t_gap_objects)} | {fmt(t_all)} |"
        )
        del snap, ev, comparison
    print()
    ordered = sorted(totals)
    for a, b in pairwise(ordered):
        ratio = totals[b][1] / totals[a][1]
        print(f"Moteur complet, {b:,} / {a:,} candidatures : ×{ratio:.1f} (médianes)")
    print()
    print(f"Charge à la fin (loadavg 1/5/15 min) : {loadavg()}")


if __name__ == "__main__":
    main()
