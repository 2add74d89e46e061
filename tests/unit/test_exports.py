"""Comparison export: what a French spreadsheet user opens must be right, complete and inert."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from selection.analysis.progress import candidate_status
from selection.analysis.scoring import compare
from selection.analysis.signals import candidate_signals
from selection.documents.exports import (
    CSV_DIALECTS,
    FORMULA_PREFIXES,
    comparison_frame,
    criterion_column,
    csv_filename,
    export_filename,
    neutralise,
    to_csv,
)
from selection.domain.labels import CANDIDATE_STATUS, DECISIONS, MUST_HAVE_STATUS, SCORE_VIEWS
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
    ValidationError,
)
from selection.domain.stages import STAGE_BY_CODE

BOM = b"\xef\xbb\xbf"
DANGEROUS_NAMES = [
    '=HYPERLINK("http://exemple.invalid","clic")',
    "+33 6 12 34 56 78",
    "-x",
    "@SUM(A1:A2)",
    "\tfoo",
    "\rfoo",
    "\nfoo",
]


class Factory:
    """Builds a snapshot the way the app would, through the entities' own validation."""

    def __init__(self, title: str = "Développeur·se fullstack") -> None:
        self.snapshot = RecruitmentSnapshot(
            recruitment=Recruitment(id="r1", title=title, role="Développeur·se").validated()
        )
        self._n = 0

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def criterion(self, label: str, level: int = 2, must_have: bool = False) -> Criterion:
        crit = Criterion(
            id=self._id("c"),
            recruitment_id="r1",
            label=label,
            weight_level=level,
            weight=float(level),
            must_have=must_have,
            stages=("intra", "mise_en_situation"),
            position=len(self.snapshot.criteria),
        ).validated()
        self.snapshot.criteria.append(crit)
        return crit

    def candidate(self, name: str, validate: bool = True) -> Candidate:
        """``validate=False`` mimics data that reached storage another way (an old import)."""
        cand = Candidate(id=self._id("p"), recruitment_id="r1", name=name)
        cand = cand.validated() if validate else cand
        self.snapshot.candidates.append(cand)
        return cand

    def rate(
        self,
        cand: Candidate,
        crit: Criterion,
        rating: int | None,
        stage: str = "intra",
        who: str = "Awa",
        status: str = "soumis",
        evidence: str = "A décrit une mise en production concrète.",
    ) -> Evaluation:
        ev = Evaluation(
            id=self._id("e"),
            candidate_id=cand.id,
            stage=stage,
            criterion_id=crit.id,
            interviewer=who,
            rating=rating,
            evidence=evidence,
            status=status,
            created_at=datetime(2026, 11, 12, 10, 0),
        ).validated()
        self.snapshot.evaluations.append(ev)
        return ev

    def decide(
        self, cand: Candidate, stage: str, decision: str, reason: str = "", who: str = "Léa"
    ) -> StageDecision:
        dec = StageDecision(
            id=self._id("d"),
            candidate_id=cand.id,
            stage=stage,
            decision=decision,
            decided_by=who,
            reason=reason,
            decided_at=datetime(2026, 11, 14, 9, 0),
        ).validated()
        self.snapshot.decisions.append(dec)
        return dec


@pytest.fixture
def meeting() -> Factory:
    f = Factory()
    code = f.criterion("Concevoir un service fullstack", level=3, must_have=True)
    product = f.criterion("Comprendre le produit", level=2)
    trap = f.criterion("=Piège dans un intitulé", level=1)
    alice = f.candidate("Alice Martin")
    bob = f.candidate("Bob Durand")
    f.rate(alice, code, 3)
    f.rate(alice, product, 3)
    f.rate(alice, trap, 3, who="Yann")
    f.rate(bob, code, 2)
    f.rate(bob, code, 3, stage="mise_en_situation", who="Yann")
    f.rate(bob, product, 1)
    f.decide(bob, "intra", "arreter", reason="Compétence clé non démontrée.")
    for name in DANGEROUS_NAMES:
        person = f.candidate(name, validate=False)
        f.rate(person, product, 2)
    return f


def export(f: Factory, extra=None) -> pd.DataFrame:
    snap = f.snapshot
    return comparison_frame(compare(snap), candidate_status(snap), extra=extra)


def read_back(data: bytes, dialect: str, **kwargs) -> pd.DataFrame:
    if dialect == "excel_fr":
        return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", **kwargs)
    return pd.read_csv(io.BytesIO(data), **kwargs)


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_text_starting_with_a_formula_character_gets_an_apostrophe(prefix: str) -> None:
    assert neutralise(prefix + "1+1") == "'" + prefix + "1+1"


@pytest.mark.parametrize("value", ["Alice", "", "1 + 1 = 2", "'déjà protégé", "Ève-Marie"])
def test_ordinary_text_is_left_as_typed(value: str) -> None:
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [-3, -2.5, np.float64(-1.25), np.int64(-7), 0, None])
def test_numbers_are_not_text_and_are_untouched(value: object) -> None:
    assert neutralise(value) is value


@pytest.mark.parametrize("dialect", sorted(CSV_DIALECTS))
def test_both_dialects_read_back_to_the_same_numbers(meeting: Factory, dialect: str) -> None:
    frame = export(meeting)
    back = read_back(to_csv(frame, dialect), dialect)
    assert back.shape == frame.shape
    numeric = [i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])]
    assert len(numeric) >= 12
    for i in numeric:
        np.testing.assert_allclose(
            back.iloc[:, i].astype(float).to_numpy(),
            frame.iloc[:, i].astype(float).to_numpy(),
            err_msg=frame.columns[i],
        )


def test_dialects_differ_only_in_their_conventions(meeting: Factory) -> None:
    frame = export(meeting)
    excel = to_csv(frame, "excel_fr")
    standard = to_csv(frame, "rfc4180")
    assert excel.startswith(BOM)
    assert not standard.startswith(BOM)
    header_fr = excel[len(BOM) :].split(b"\r\n", 1)[0].decode("utf-8")
    header_std = standard.split(b"\r\n", 1)[0].decode("utf-8")
    assert header_fr.count(";") == len(frame.columns) - 1
    assert header_std.count(",") >= len(frame.columns) - 1
    alice_fr = next(line for line in excel.split(b"\r\n") if b"Alice" in line).decode()
    assert ";100,0;" in alice_fr


def test_every_line_ends_with_crlf() -> None:
    frame = pd.DataFrame({"Candidat·e": ["Alice", "Bob"], "Score": [12.5, -3.0]})
    for dialect in CSV_DIALECTS:
        data = to_csv(frame, dialect)
        assert data.endswith(b"\r\n")
        assert data.count(b"\n") == data.count(b"\r\n") == 3


def test_dangerous_names_come_back_inert(meeting: Factory) -> None:
    frame = export(meeting)
    for dialect in CSV_DIALECTS:
        back = read_back(to_csv(frame, dialect), dialect, dtype=str, keep_default_na=False)
        names = set(back["Candidat·e"])
        for name in DANGEROUS_NAMES:
            assert "'" + name in names
        for column in back.columns:
            assert not str(column).startswith(FORMULA_PREFIXES)
            for cell in back[column]:
                assert not cell.startswith(FORMULA_PREFIXES), (column, cell)


def test_headers_from_criterion_labels_are_neutralised(meeting: Factory) -> None:
    back = read_back(to_csv(export(meeting), "rfc4180"), "rfc4180")
    assert "'" + criterion_column("=Piège dans un intitulé", 1.0) in back.columns


def test_negative_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"Nom": ["-x", "Bob"], "Écart": [-3.5, 2.0]})
    for dialect in CSV_DIALECTS:
        back = read_back(to_csv(frame, dialect), dialect)
        assert list(back["Écart"]) == [-3.5, 2.0]
        assert list(back["Nom"]) == ["'-x", "Bob"]
    assert b";-3,5\r\n" in to_csv(frame, "excel_fr")
    assert b",-3.5\r\n" in to_csv(frame, "rfc4180")


def test_missing_criterion_ratings_are_empty_cells_never_zero(meeting: Factory) -> None:
    frame = export(meeting)
    header = criterion_column("Concevoir un service fullstack", 3.0)
    row = frame.set_index("Candidat·e").loc["-x"]
    assert pd.isna(row[header])
    for dialect in CSV_DIALECTS:
        back = read_back(to_csv(frame, dialect), dialect, dtype=str, keep_default_na=False)
        cell = back.set_index("Candidat·e").loc["'-x", header]
        assert cell == ""
        rated = back.set_index("Candidat·e").loc["Alice Martin", header]
        assert rated in ("3,0", "3.0")


def test_one_row_per_candidate_with_french_labels(meeting: Factory) -> None:
    frame = export(meeting)
    names = [c.name for c in meeting.snapshot.candidates]
    assert sorted(frame["Candidat·e"]) == sorted(names)
    bob = frame.set_index("Candidat·e").loc["Bob Durand"]
    assert bob["Statut"] == CANDIDATE_STATUS["arrete"]
    assert bob["Dernière décision"] == DECISIONS["arreter"]
    assert bob["Étape atteinte"] == STAGE_BY_CODE["mise_en_situation"].label
    assert bob["Date de la dernière décision"] == date(2026, 11, 14)
    assert bob["Critères obligatoires"] == MUST_HAVE_STATUS["ok"]
    alice = frame.set_index("Candidat·e").loc["Alice Martin"]
    assert alice["Rang"] == 1
    assert alice["Score (moyenne pondérée, %)"] == 100.0
    assert alice["Couverture des preuves (%)"] == 100.0
    assert alice["Points validés"] == alice["Points possibles"] == 6
    assert alice["Dernière décision"] is None


def test_a_candidate_with_no_rating_has_no_score_rather_than_zero() -> None:
    f = Factory()
    crit = f.criterion("Coder", level=3)
    rated = f.candidate("Nadia")
    f.candidate("Sans note")
    f.rate(rated, crit, 1)
    frame = export(f).set_index("Candidat·e")
    assert frame.loc["Nadia", "Score (moyenne pondérée, %)"] == 0.0
    assert pd.isna(frame.loc["Sans note", "Score (moyenne pondérée, %)"])
    assert frame.loc["Sans note", "Couverture des preuves (%)"] == 0.0
    assert pd.isna(frame.loc["Sans note", "Rang"])
    assert frame.loc["Sans note", "Critères obligatoires"] == "—"  # as on screen


def test_the_record_gives_no_rank_or_points_to_someone_without_ratings() -> None:
    """The decision record agrees with the screen: « — », not rank 5 and « 0 / 21 »."""
    from selection.documents.document import render_markdown
    from selection.documents.reports import decision_record

    f = Factory()
    crit = f.criterion("Coder", level=3, must_have=True)
    rated = f.candidate("Nadia")
    f.candidate("Sans note")
    f.rate(rated, crit, 3)
    text = render_markdown(decision_record(f.snapshot, compare(f.snapshot)))
    row = next(line for line in text.splitlines() if line.startswith("| Sans note"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "—" and cells[5] == "—" and cells[7] == "—"
    assert cells[8] == "—" and cells[9] == "—", cells


def test_namesakes_keep_their_own_ratings() -> None:
    f = Factory()
    crit = f.criterion("Coder", level=3)
    strong = f.candidate("Camille Petit")
    weak = f.candidate("Camille Petit")
    f.rate(strong, crit, 3)
    f.rate(weak, crit, 1)
    frame = export(f)
    header = criterion_column("Coder", 3.0)
    by_score = dict(zip(frame["Score (moyenne pondérée, %)"], frame[header], strict=True))
    assert by_score == {100.0: 3.0, 0.0: 1.0}


def test_extra_columns_follow_the_candidate_they_belong_to(meeting: Factory) -> None:
    ids = {c.name: c.id for c in meeting.snapshot.candidates}
    probability = {ids["Alice Martin"]: 87.5, ids["Bob Durand"]: 12.5}
    frame = export(meeting, extra={"Probabilité d'être en tête (%)": probability})
    assert frame.columns[-1] == "Probabilité d'être en tête (%)"
    by_name = frame.set_index("Candidat·e")["Probabilité d'être en tête (%)"]
    assert by_name["Alice Martin"] == 87.5
    assert by_name["Bob Durand"] == 12.5
    assert pd.isna(by_name["-x"])


def test_unknown_dialect_is_refused_in_french() -> None:
    with pytest.raises(ValidationError, match="Format CSV inconnu"):
        to_csv(pd.DataFrame({"a": [1]}), "tsv")


def test_file_names_are_meaningful_ascii() -> None:
    day = date(2026, 11, 28)
    assert (
        export_filename("Développeur·se fullstack", "comparaison", "csv", day)
        == "comparaison-developpeur-se-fullstack-2026-11-28.csv"
    )
    assert export_filename("  ", "Relevé de décision", ".HTML", day) == (
        "releve-de-decision-recrutement-2026-11-28.html"
    )
    names = {csv_filename("Chargé·e de déploiement", "comparaison", d, day) for d in CSV_DIALECTS}
    assert len(names) == len(CSV_DIALECTS)
    for name in names:
        assert name.isascii() and name.endswith(".csv") and " " not in name


# --- what the file says about how it was made: weights, view, signals, date -----------------

DAY = date(2026, 11, 28)


def full_export(f: Factory, **kwargs) -> pd.DataFrame:
    snap = f.snapshot
    comparison = kwargs.pop("comparison", None) or compare(snap)
    return comparison_frame(comparison, candidate_status(snap), exported_on=DAY, **kwargs)


def test_each_criterion_header_carries_the_weight_used(meeting: Factory) -> None:
    snap = meeting.snapshot
    code = snap.criteria[0]
    saved = full_export(meeting, snapshot=snap)
    what_if = full_export(meeting, snapshot=snap, comparison=compare(snap, weights={code.id: 1.5}))
    for frame, weight in ((saved, "3"), (what_if, "1,5")):
        header = f"Concevoir un service fullstack (note moyenne 1–3, pondération {weight})"
        for dialect in CSV_DIALECTS:
            back = read_back(to_csv(frame, dialect), dialect)
            assert header in back.columns
            assert back.set_index("Candidat·e").loc["Alice Martin", header] == 3.0
    assert "Comprendre le produit (note moyenne 1–3, pondération 2)" in what_if.columns


def test_the_file_says_whether_the_weights_are_the_saved_brief_or_a_simulation(
    meeting: Factory,
) -> None:
    snap = meeting.snapshot
    code = snap.criteria[0]
    simulated = compare(snap, weights={code.id: 1.5})
    cases = [
        (full_export(meeting, snapshot=snap), "cadrage enregistré"),
        (full_export(meeting, snapshot=snap, comparison=simulated), "simulation non enregistrée"),
        (full_export(meeting, weights_saved=False), "simulation non enregistrée"),
        (full_export(meeting, weights_saved=True), "cadrage enregistré"),
        (full_export(meeting), "non précisé"),
    ]
    for frame, expected in cases:
        for dialect in CSV_DIALECTS:
            back = read_back(to_csv(frame, dialect), dialect, dtype=str, keep_default_na=False)
            assert set(back["Pondérations"]) == {expected}
            assert set(back["Date de l'export"]) == {"2026-11-28"}
            assert len(back) == len(snap.candidates)


def test_the_export_date_defaults_to_today(meeting: Factory) -> None:
    snap = meeting.snapshot
    frame = comparison_frame(compare(snap), candidate_status(snap))
    assert set(frame["Date de l'export"]) == {date.today()}


def test_signals_shown_beside_each_name_are_in_the_file() -> None:
    f = Factory()
    code = f.criterion("Concevoir un service fullstack", level=3, must_have=True)
    product = f.criterion("Comprendre le produit", level=2)
    alice, bob, chloe, david = (f.candidate(n) for n in ("Alice", "Bob", "Chloé", "David"))
    for person in (alice, bob, chloe):
        f.rate(person, code, 3)
        f.rate(person, product, 3)
    f.rate(david, product, 3)  # the must-have criterion is not rated yet
    f.snapshot.candidates[1] = replace(bob, remote_ok=False)
    f.snapshot.culture_notes.append(
        CultureNote("n1", alice.id, "Awa", "Refuse tout retour entre pairs.", True, "fort")
    )
    frame = full_export(f, snapshot=f.snapshot).set_index("Candidat·e")
    shown = candidate_signals(f.snapshot, compare(f.snapshot))  # what the screens show
    for person in f.snapshot.candidates:
        assert frame.loc[person.name, "Signaux"] == " ; ".join(shown[person.id])
    assert "signal d'alerte culture" in frame.loc["Alice", "Signaux"]
    assert "politique de télétravail non acceptée" in frame.loc["Bob", "Signaux"]
    assert frame.loc["Chloé", "Signaux"] == ""
    assert "obligatoire" in frame.loc["David", "Signaux"]
    for dialect in CSV_DIALECTS:
        back = read_back(
            to_csv(frame.reset_index(), dialect), dialect, dtype=str, keep_default_na=False
        ).set_index("Candidat·e")
        assert back.loc["Bob", "Signaux"] == frame.loc["Bob", "Signaux"]
        assert back.loc["Chloé", "Signaux"] == ""

    given = full_export(f, signals={alice.id: ["=un signal", "un autre"]}).set_index("Candidat·e")
    assert given.loc["Alice", "Signaux"] == "=un signal ; un autre"
    assert given.loc["Bob", "Signaux"] == ""
    back = read_back(to_csv(given.reset_index(), "excel_fr"), "excel_fr", dtype=str)
    assert back.set_index("Candidat·e").loc["Alice", "Signaux"] == "'=un signal ; un autre"
    unknown = full_export(f)
    assert set(unknown["Signaux"]) == {"non vérifiés"}


@pytest.mark.parametrize(
    ("view", "order", "ranks"),
    [
        ("moyenne", ["Pauline", "Quentin"], [1, 2]),
        ("matrice", ["Pauline", "Quentin"], [1, 2]),
        ("valides", ["Quentin", "Pauline"], [1, 2]),
    ],
)
def test_rows_follow_the_chosen_view_and_the_file_names_it(view, order, ranks) -> None:
    f = Factory()
    a = f.criterion("Critère A", level=3)
    b = f.criterion("Critère B", level=1)
    pauline, quentin = f.candidate("Pauline"), f.candidate("Quentin")
    f.rate(pauline, a, 2)
    f.rate(pauline, b, 2)  # half-way everywhere: best mean, nothing validated
    f.rate(quentin, a, 1)
    f.rate(quentin, b, 3)  # one criterion validated
    frame = full_export(f, score_view=view)
    assert list(frame["Candidat·e"]) == order
    assert list(frame["Rang"]) == ranks
    for dialect in CSV_DIALECTS:
        back = read_back(to_csv(frame, dialect), dialect, dtype=str, keep_default_na=False)
        assert set(back["Vue du classement"]) == {SCORE_VIEWS[view]}


def test_an_unknown_view_is_refused_in_french(meeting: Factory) -> None:
    with pytest.raises(ValidationError, match="Vue du classement inconnue"):
        full_export(meeting, score_view="podium")
