"""The weight board recomputes the ranking in the browser (ui/meeting_board.js): for any weights,
its table must say exactly what the server's table says (selection/analysis/meeting.py,
display_table) — same order, ranks, scores, intervals, coverage and words — in the three views.

The board's own arithmetic runs in Node (the module's named exports), on the data the page
sends it (services.meeting.board_data), against the Python engine for the same weights.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from selection.analysis.scoring import VIEW_COLUMNS
from selection.domain.model import (
    Candidate,
    Criterion,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.services import meeting
from selection.services.access import Config
from selection.services.demo import demo_snapshot
from selection.services.reading import scoped_view

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is needed to run the board's code")

RUNNER = """
import { readFileSync } from "node:fs";
const { boardTable } = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const out = cases.map(({ board, weights }) => boardTable(board, weights));
process.stdout.write(JSON.stringify(out));
"""


def board_tables(tmp_path: Path, cases: list[dict]) -> list[list[list[str]]]:
    module = tmp_path / "meeting_board.mjs"
    module.write_text((ROOT / "ui" / "meeting_board.js").read_text(encoding="utf-8"))
    runner = tmp_path / "runner.mjs"
    runner.write_text(RUNNER)
    data = tmp_path / "cases.json"
    data.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [NODE, str(runner), module.as_uri(), str(data)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def designed_snapshot() -> RecruitmentSnapshot:
    """Ties, missing ratings, a must-have blocking one person and to confirm for another, a
    person without any rating, a criterion nobody rated, accents in names (listing by name)."""
    rec = Recruitment(id="r", title="Cas conçu")
    crits = [
        Criterion(
            id=f"k{k}",
            recruitment_id="r",
            label=label,
            weight=w,
            weight_level=level,
            must_have=must,
            stages=("intra", "mise_en_situation"),
            position=k,
        )
        for k, (label, w, level, must) in enumerate(
            [
                ("Code", 3.0, 3, True),
                ("Produit", 2.0, 2, False),
                ("Accessibilité", 1.0, 1, False),
                ("Jamais noté", 2.0, 2, False),
            ]
        )
    ]
    ratings = {
        "Élodie": {"k0": [3, 3], "k1": [2], "k2": [1, 3]},
        "Bruno": {"k0": [3, 3], "k1": [2], "k2": [1, 3]},  # same as Élodie: a tie
        "Zoé": {"k0": [1, 1], "k1": [3, 3], "k2": [3]},  # must-have failed
        "Anaïs": {"k1": [3], "k2": [2]},  # must-have still to confirm
        "Marc": {"k0": [2, 3], "k1": [1], "k2": [2, 2]},
        "Yves": {},  # nothing rated yet
    }
    people, evaluations, decisions = [], [], []
    for i, (name, by_crit) in enumerate(ratings.items()):
        cand = Candidate(id=f"c{i}", recruitment_id="r", name=name)
        people.append(cand)
        decisions.append(
            StageDecision(f"d{i}", cand.id, "prequalification", "continuer", "L", "ok")
        )
        for k, values in by_crit.items():
            for j, value in enumerate(values):
                evaluations.append(
                    Evaluation(
                        f"e{i}{k}{j}",
                        cand.id,
                        ("intra", "mise_en_situation")[j % 2],
                        k,
                        f"rater{j}",
                        value,
                        "Preuve écrite.",
                    )
                )
    return RecruitmentSnapshot(rec, crits, people, evaluations, decisions)


def random_snapshot(people: int = 30, seed: int = 3) -> RecruitmentSnapshot:
    """Thirty people, ten criteria with one-decimal weights, three interviewers per stage, one
    rating in ten missing: the size the meeting is tuned for."""
    rng = random.Random(seed)
    rec = Recruitment(id="r", title="Au hasard")
    crits = [
        Criterion(
            id=f"k{k}",
            recruitment_id="r",
            label=f"Critère {k + 1}",
            weight=rng.choice([0.5, 1.0, 1.5, 2.0, 3.0]),
            weight_level=rng.choice([1, 2, 3]),
            must_have=k == 0,
            stages=("intra", "mise_en_situation", "references"),
            position=k,
        )
        for k in range(10)
    ]
    cands, evaluations, decisions = [], [], []
    for i in range(people):
        cand = Candidate(id=f"c{i}", recruitment_id="r", name=f"Personne {i:02d}")
        cands.append(cand)
        for j, stage in enumerate(("prequalification", "intra", "mise_en_situation")):
            decisions.append(StageDecision(f"d{i}{j}", cand.id, stage, "continuer", "L", "ok"))
        for crit in crits:
            for stage in ("intra", "mise_en_situation", "references"):
                for r in range(3):
                    value = None if rng.random() < 0.1 else rng.choice([1, 2, 3])
                    evaluations.append(
                        Evaluation(
                            f"e{i}{crit.id}{stage}{r}",
                            cand.id,
                            stage,
                            crit.id,
                            f"r{r}",
                            value,
                            "Preuve écrite." if value else "",
                        )
                    )
    return RecruitmentSnapshot(rec, crits, cands, evaluations, decisions)


def meeting_of(snapshot: RecruitmentSnapshot) -> meeting.Meeting:
    config = Config()
    view = scoped_view(snapshot, config.actor("Lecture Test"), config, frozenset())
    prepared = meeting.prepare(view, active_only=False, min_stage="prequalification")
    assert prepared is not None
    return prepared


def weight_sets(criteria: list[Criterion], count: int, seed: int) -> list[dict[str, float]]:
    rng = random.Random(seed)
    sets = [{c.id: c.weight for c in criteria}]
    for _ in range(count):
        weights = {c.id: rng.choice([0.0, 0.1, 0.5, 1.0, 1.3, 2.0, 2.7, 3.0]) for c in criteria}
        if sum(weights.values()) == 0:
            weights[criteria[0].id] = 1.0
        sets.append(weights)
    sets.append({c.id: (1.0 if i == 0 else 0.0) for i, c in enumerate(criteria)})
    return sets


def server_table(prepared: meeting.Meeting, view: str, weights: dict) -> list[list[str]]:
    comparison = meeting.weigh(prepared, weights)
    table = meeting.display_table(
        comparison, prepared.view.status, view, meeting.signals(prepared, prepared.base)
    )
    return [[str(v) for v in row] for row in table.itertuples(index=False)]


@pytest.mark.parametrize(
    "make", [designed_snapshot, demo_snapshot, random_snapshot], ids=["designed", "demo", "thirty"]
)
def test_the_board_ranks_and_writes_like_the_server_for_any_weights(make, tmp_path) -> None:
    snapshot = make()
    prepared = meeting_of(snapshot)
    saved = {c.id: c.weight for c in snapshot.criteria}
    cases, expected = [], []
    for view in VIEW_COLUMNS:
        board = meeting.board_data(prepared, view, saved, key="test", can_save=True)
        for weights in weight_sets(snapshot.criteria, 12, seed=len(view)):
            cases.append({"board": board, "weights": weights})
            expected.append(server_table(prepared, view, weights))
    got = board_tables(tmp_path, cases)
    for case, mine, theirs in zip(cases, got, expected, strict=True):
        assert mine == theirs, (case["board"]["view"], case["weights"])


def test_the_designed_case_really_has_ties_blocks_and_gaps(tmp_path) -> None:
    """The case above is worth running: a shared rank, a blocked person ranked without a rank
    in the guide's view, someone without any score, and « n.é. »-style gaps."""
    prepared = meeting_of(designed_snapshot())
    table = server_table(prepared, "moyenne", {c: 1.0 for c in ("k0", "k1", "k2", "k3")})
    ranks = [row[0] for row in table]
    shared = [r for r in ranks if r != "—" and ranks.count(r) > 1]
    assert shared and "—" in ranks
    valides = server_table(prepared, "valides", {c: 1.0 for c in ("k0", "k1", "k2", "k3")})
    zoe = next(row for row in valides if row[1] == "Zoé")
    assert zoe[0] == "—" and zoe[5].startswith("⛔")
    anais = next(row for row in valides if row[1] == "Anaïs")
    assert anais[5].startswith("❓")


@pytest.mark.parametrize(
    ("value", "decimals"),
    [(12.5, 0), (2.5, 0), (3.5, 0), (0.25, 1), (0.35, 1), (1234.5, 1), (-2.5, 0), (100 / 3, 0)],
)
def test_numbers_are_written_as_python_writes_them(value, decimals, tmp_path) -> None:
    """Rounding ties go to the even digit in Python (« 12 % » for 12.5 %), away from zero in
    JavaScript's toFixed: the board follows Python."""
    from selection.domain.formatting import fr_number

    module = tmp_path / "m.mjs"
    module.write_text((ROOT / "ui" / "meeting_board.js").read_text(encoding="utf-8"))
    script = tmp_path / "r.mjs"
    script.write_text(
        f'const {{ frNumber }} = await import("{module.as_uri()}");'
        f"process.stdout.write(frNumber({value!r}, {decimals}));"
    )
    done = subprocess.run([NODE, str(script)], capture_output=True, text=True, check=True)
    assert done.stdout == fr_number(value, decimals)
