"""Retention (PRODUCT.md §8): who is due for deletion and why, the purge, the right of access."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.services.retention import (
    RetentionSettings,
    access_export,
    add_months,
    load_settings,
    purge,
    save_settings,
    to_purge,
)
from selection.storage import store as storage
from selection.storage.store import Store, new_id

TODAY = date(2026, 6, 15)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00")


def recruitment(store: Store, title: str, closed: str | None, people: list[dict]) -> dict[str, str]:
    """A recruitment and its people; each person: name, created, consent, decision, and optional
    evaluation/note/call dates. Returns name → candidate id."""
    rec = Recruitment(
        id=new_id(),
        title=title,
        status="clos" if closed else "ouvert",
        created_at=at("2020-01-01"),
        closed_at=at(closed) if closed else None,
    )
    crit = Criterion(id=new_id(), recruitment_id=rec.id, label="Sécurité", stages=("intra",))
    snap = RecruitmentSnapshot(rec, [crit])
    ids = {}
    for p in people:
        cand = Candidate(
            id=new_id(),
            recruitment_id=rec.id,
            name=p["name"],
            created_at=at(p["created"]),
            talent_pool_consent=p.get("consent", False),
        )
        ids[p["name"]] = cand.id
        snap.candidates.append(cand)
        if "decision" in p:
            decision, when = p["decision"]
            snap.decisions.append(
                StageDecision(new_id(), cand.id, "intra", decision, "Alix", "Motif écrit", at(when))
            )
        if "evaluated" in p:
            snap.evaluations.append(
                Evaluation(
                    new_id(),
                    cand.id,
                    "intra",
                    crit.id,
                    "Alix",
                    2,
                    "Preuve",
                    created_at=at(p["created"]),
                    updated_at=at(p["evaluated"]),
                )
            )
        if "noted" in p:
            snap.culture_notes.append(
                CultureNote(new_id(), cand.id, "Dana", "Observation", created_at=at(p["noted"]))
            )
        if "called" in p:
            snap.reference_calls.append(
                ReferenceCall(
                    new_id(),
                    cand.id,
                    "Eve",
                    "Manager",
                    "DINUM",
                    date.fromisoformat(p["called"]),
                    "oui",
                    "Alix",
                    created_at=at(p["called"]),
                )
            )
    store.save_snapshot(snap)
    return ids


@pytest.fixture
def people(store: Store) -> dict[str, str]:
    ids = {}
    ids |= recruitment(
        store,
        "Clos le 15 mars 2026",
        "2026-03-15",
        [
            {
                "name": "Arrêtée au jour près",
                "created": "2026-01-10",
                "decision": ("arreter", "2026-02-01"),
            },
            {"name": "Retenue", "created": "2026-01-10", "decision": ("retenu", "2026-03-10")},
            {"name": "Sans décision", "created": "2026-01-12"},
            {
                "name": "Vivier récent",
                "created": "2026-01-10",
                "consent": True,
                "evaluated": "2026-02-10",
            },
        ],
    )
    ids |= recruitment(
        store,
        "Clos le 1er avril 2026",
        "2026-04-01",
        [
            {
                "name": "Clôture récente",
                "created": "2026-02-01",
                "decision": ("arreter", "2026-03-01"),
            }
        ],
    )
    ids |= recruitment(
        store,
        "Clos en décembre 2023",
        "2023-12-01",
        [
            {
                "name": "Vivier ancien",
                "created": "2023-09-01",
                "consent": True,
                "decision": ("en_attente", "2024-05-20"),
            },
            {
                "name": "Vivier appelé",
                "created": "2023-09-01",
                "consent": True,
                "called": "2025-01-02",
            },
            {
                "name": "Vivier observé",
                "created": "2023-09-01",
                "consent": True,
                "noted": "2024-07-01",
            },
        ],
    )
    ids |= recruitment(
        store,
        "Toujours ouvert",
        None,
        [
            {"name": "Ouvert sans consentement", "created": "2020-01-01"},
            {"name": "Ouvert avec consentement", "created": "2020-01-01", "consent": True},
        ],
    )
    return ids


def test_the_default_rules_list_the_right_people_with_the_right_reasons(
    store: Store, people: dict[str, str]
) -> None:
    items = {i.candidate_name: i for i in to_purge(store, TODAY)}
    assert set(items) == {
        "Arrêtée au jour près",
        "Sans décision",
        "Vivier ancien",
        "Ouvert avec consentement",
    }
    assert items["Arrêtée au jour près"].due == TODAY
    assert items["Arrêtée au jour près"].reason.startswith(
        "Candidature non retenue : recrutement clos le 15 mars 2026"
    )
    assert "3 mois" in items["Sans décision"].reason
    assert items["Vivier ancien"].due == date(2026, 5, 20)
    assert items["Vivier ancien"].reason.startswith(
        "Vivier (consentement recueilli) : dernier contact le 20 mai 2024"
    )
    assert "24 mois" in items["Vivier ancien"].reason
    assert items["Ouvert avec consentement"].due == date(2022, 1, 1)
    assert all(i.candidate_id == people[name] for name, i in items.items())


def test_the_day_before_the_due_date_nobody_closed_on_15_march_is_listed(
    store: Store, people: dict[str, str]
) -> None:
    names = {i.candidate_name for i in to_purge(store, date(2026, 6, 14))}
    assert "Arrêtée au jour près" not in names
    assert "Vivier ancien" in names


def test_shorter_stored_settings_list_more_people_and_legal_maxima_are_enforced(
    store: Store, people: dict[str, str]
) -> None:
    save_settings(store, RetentionSettings(unsuccessful_months=1, talent_pool_months=12), "Alix")
    assert load_settings(store) == RetentionSettings(1, 12)
    names = {i.candidate_name for i in to_purge(store, TODAY)}
    assert {"Clôture récente", "Vivier observé", "Vivier appelé"} <= names
    assert "Retenue" not in names and "Vivier récent" not in names
    assert store.list_audit()[0]["action"] == "reglage_conservation"
    with pytest.raises(ValidationError, match="au plus 3 mois"):
        save_settings(store, RetentionSettings(unsuccessful_months=4), "Alix")
    with pytest.raises(ValidationError, match="jusqu'à 24 mois"):
        save_settings(store, RetentionSettings(talent_pool_months=36), "Alix")
    assert load_settings(store) == RetentionSettings(1, 12)


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_short_month() -> None:
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 24) == date(2026, 2, 28)


def _rows_about(store: Store, candidate_ids: list[str]) -> int:
    with store.read() as conn:
        total = 0
        for table in (
            storage.evaluations,
            storage.stage_decisions,
            storage.culture_notes,
            storage.reference_calls,
        ):
            total += conn.execute(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.candidate_id.in_(candidate_ids))
            ).scalar_one()
        total += conn.execute(
            sa.select(sa.func.count())
            .select_from(storage.candidates)
            .where(storage.candidates.c.id.in_(candidate_ids))
        ).scalar_one()
    return total


def test_purge_removes_the_listed_people_and_everything_about_them_and_logs_each(
    store: Store, people: dict[str, str]
) -> None:
    items = to_purge(store, TODAY)
    gone = [i.candidate_id for i in items]
    kept = [cid for cid in people.values() if cid not in gone]
    assert _rows_about(store, gone) > len(gone)
    kept_before = _rows_about(store, kept)

    assert purge(store, items, actor="Alix") == len(items)

    assert _rows_about(store, gone) == 0
    assert _rows_about(store, kept) == kept_before
    assert to_purge(store, TODAY) == []
    entries = [a for a in store.list_audit() if a["action"] == "purge"]
    assert sorted(a["subject"] for a in entries) == sorted(f"personne {cid}" for cid in gone)
    assert all(a["actor"] == "Alix" for a in entries)
    names = {i.candidate_name for i in items}
    assert not any(name in a["subject"] + a["details"] for a in entries for name in names)
    assert purge(store, items, actor="Alix") == 0


def test_purge_deletes_the_evaluation_history_too(store: Store) -> None:
    ids = recruitment(
        store,
        "Clos",
        "2025-01-01",
        [{"name": "Modifiée", "created": "2024-10-01", "evaluated": "2024-11-01"}],
    )
    [ev] = store.list_evaluations(store.candidate(ids["Modifiée"]).recruitment_id)
    store.save_evaluations(
        [Evaluation(new_id(), ev.candidate_id, "intra", ev.criterion_id, "Alix", 3, "Revue")]
    )
    assert store.count_rows()["evaluation_history"] == 1
    purge(store, to_purge(store, TODAY), actor="Alix")
    assert store.count_rows()["evaluation_history"] == 0


def test_access_export_holds_everything_about_the_person_and_nothing_about_another(
    store: Store,
) -> None:
    rec = store.save_recruitment(
        Recruitment(id=new_id(), title="Développeur·se", team="Équipe Alpha")
    )
    crits = store.save_criteria(
        rec.id,
        [
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Sécurité applicative",
                stages=("intra",),
                position=0,
            ),
            Criterion(
                id=new_id(),
                recruitment_id=rec.id,
                label="Tests automatisés",
                stages=("intra",),
                position=1,
            ),
        ],
    )
    me = store.save_candidate(
        Candidate(
            new_id(),
            rec.id,
            "Camille Durand",
            "camille@example.org",
            "0600000000",
            "Cooptation",
            references_agreed=True,
            talent_pool_consent=True,
            days_per_week=4.0,
            other_processes="Deux autres processus",
            expected_daily_rate=610,
        )
    )
    other = store.save_candidate(
        Candidate(new_id(), rec.id, "Dominique Autre", "dominique@example.org")
    )
    store.save_evaluations(
        [
            Evaluation(
                new_id(), me.id, "intra", crits[0].id, "Alix", 2, "Camille explique le chiffrement"
            ),
            Evaluation(
                new_id(),
                me.id,
                "intra",
                crits[1].id,
                "Bao",
                None,
                "Note en cours de Bao",
                status="brouillon",
            ),
            Evaluation(
                new_id(),
                other.id,
                "intra",
                crits[0].id,
                "Alix",
                1,
                "Dominique hésite sur les jetons",
            ),
        ]
    )
    store.save_evaluations(
        [
            Evaluation(
                new_id(),
                me.id,
                "intra",
                crits[0].id,
                "Alix",
                3,
                "Camille détaille une faille corrigée",
            )
        ],
        changed_by="Alix",
    )
    store.record_decision(
        StageDecision(new_id(), me.id, "intra", "continuer", "Alix", "Preuves solides pour Camille")
    )
    store.record_decision(
        StageDecision(new_id(), other.id, "intra", "arreter", "Alix", "Motif propre à Dominique")
    )
    store.save_culture_note(
        CultureNote(new_id(), me.id, "Dana", "Camille aime le travail en binôme", True, "faible")
    )
    store.save_culture_note(CultureNote(new_id(), other.id, "Dana", "Observation sur Dominique"))
    store.save_reference_call(
        ReferenceCall(
            new_id(),
            me.id,
            "Eve Martin",
            "Ancienne manager",
            "DINUM",
            date(2026, 5, 2),
            "oui",
            "Alix",
            "Recommande Camille",
        ),
        [
            Evaluation(
                new_id(), me.id, "references", crits[0].id, "Alix", 3, "Eve confirme la rigueur"
            )
        ],
    )

    # Word joiners (U+2060) keep e-mail addresses from becoming links; they are invisible.
    text = access_export(store, me.id, actor="Alix", on=date(2026, 6, 1)).replace("\u2060", "")

    for expected in (
        "Camille Durand",
        "camille@example.org",
        "0600000000",
        "Cooptation",
        "Camille détaille une faille corrigée",
        "3 — démontré par des preuves concrètes",
        "Note en cours de Bao",
        "Camille explique le chiffrement",
        "2 — partiellement démontré",
        "Preuves solides pour Camille",
        "Camille aime le travail en binôme",
        "Eve Martin",
        "Recommande Camille",
        "Eve confirme la rigueur",
        "Deux autres processus",
        "610 €",
        "Accord pour rester dans le vivier :** oui",
    ):
        assert expected in text, expected
    for foreign in ("Dominique", "dominique@example.org", "jetons"):
        assert foreign not in text, foreign
    entry = store.list_audit()[0]
    assert (entry["action"], entry["actor"], entry["subject"]) == (
        "export_acces",
        "Alix",
        f"personne {me.id}",
    )
