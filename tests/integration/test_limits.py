"""The same text limits on SQLite as on PostgreSQL: checked in the domain, with a French message
naming the field and the limit, before any SQL runs; the column lengths come from the same
constants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from selection.domain import limits
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    DebriefOpening,
    Evaluation,
    PanelAssignment,
    Recruitment,
    ReferenceCall,
    StageDecision,
    ValidationError,
)
from selection.services import candidates as candidate_service
from selection.services.access import Config
from selection.services.app import App
from selection.storage import schema
from selection.storage.store import Store, new_id
from tests.integration.inputs import english_words, full_dump


def test_every_text_column_takes_its_length_from_the_limits() -> None:
    allowed = {v for k, v in vars(limits).items() if k.isupper() and isinstance(v, int)}
    for table in schema.metadata.sorted_tables:
        for column in table.columns:
            length = getattr(column.type, "length", None)
            if length is not None:
                assert length in allowed, (table.name, column.name)


def test_a_250_character_name_is_refused_on_both_databases_and_nothing_is_stored(
    store: Store,
) -> None:
    rec = store.save_recruitment(Recruitment(id=new_id(), title="Développeur·se"))
    app = App(store, Config())
    before = full_dump(store)
    with pytest.raises(ValidationError) as err:
        candidate_service.add(app, app.actor("Alix"), rec.id, name="N" * 250)
    assert str(err.value) == "Le champ « Nom » est trop long : 250 caractères pour 200 au plus."
    assert full_dump(store) == before
    candidate_service.add(app, app.actor("Alix"), rec.id, name="N" * 200)


def test_the_database_alone_would_not_agree_which_is_why_the_domain_checks(store: Store) -> None:
    rec = store.save_recruitment(Recruitment(id=new_id(), title="Développeur·se"))
    row = {
        "id": new_id(),
        "recruitment_id": rec.id,
        "name": "N" * 250,
        "created_at": rec.created_at,
    }
    if store.dialect == "postgresql":
        with pytest.raises(sa.exc.DataError), store.write() as conn:
            conn.execute(schema.candidates.insert().values(**row))
    else:  # SQLite ignores VARCHAR lengths
        with store.write() as conn:
            conn.execute(schema.candidates.insert().values(**row))


LONG = {
    "Titre du recrutement": lambda n: Recruitment(new_id(), "T" * n),
    "Politique de télétravail": lambda n: Recruitment(new_id(), "T", remote_policy="x" * n),
    "Intitulé du critère": lambda n: Criterion(new_id(), "r", "L" * n),
    "Énoncé de « Sécurité »": lambda n: Criterion(new_id(), "r", "Sécurité", statement="s" * n),
    "Questions de « Sécurité »": lambda n: Criterion(
        new_id(), "r", "Sécurité", questions=("q" * n,)
    ),
    "Téléphone": lambda n: Candidate(new_id(), "r", "Camille", phone="0" * n),
    "Autres processus en cours": lambda n: Candidate(
        new_id(), "r", "Camille", other_processes="p" * n
    ),
    "Preuves": lambda n: Evaluation(new_id(), "c", "intra", "k", "Alix", 2, "e" * n),
    "Doute": lambda n: Evaluation(new_id(), "c", "intra", "k", "Alix", None, doubt_note="d" * n),
    "Motif": lambda n: StageDecision(new_id(), "c", "intra", "arreter", "Alix", "m" * n),
    "Observation": lambda n: CultureNote(new_id(), "c", "Dana", "o" * n),
    "Notes de l'appel": lambda n: ReferenceCall(
        new_id(),
        "c",
        "Eve",
        "",
        "",
        date(2026, 1, 1),
        "oui",
        "Alix",
        "n" * n,
    ),
    "Nom de la personne du panel": lambda n: PanelAssignment(
        new_id(), "c", "intra", "alix", member_name="m" * n
    ),
    "Raison": lambda n: DebriefOpening(new_id(), "c", "intra", "Alix", "r" * n),
}
LIMIT_OF = {
    "Titre du recrutement": limits.TITLE,
    "Politique de télétravail": limits.SHORT_TEXT,
    "Intitulé du critère": limits.LABEL,
    "Énoncé de « Sécurité »": limits.STATEMENT,
    "Questions de « Sécurité »": limits.QUESTIONS,
    "Téléphone": limits.PHONE,
    "Autres processus en cours": limits.OTHER_PROCESSES,
    "Preuves": limits.EVIDENCE,
    "Doute": limits.DOUBT_NOTE,
    "Motif": limits.REASON,
    "Observation": limits.NOTE,
    "Notes de l'appel": limits.NOTE,
    "Nom de la personne du panel": limits.NAME,
    "Raison": limits.REASON,
}


@pytest.mark.parametrize("field", LONG)
def test_every_text_field_has_a_cap_said_in_french(field: str) -> None:
    limit = LIMIT_OF[field]
    LONG[field](limit).validated()
    with pytest.raises(ValidationError) as err:
        LONG[field](limit + 1).validated()
    message = str(err.value)
    assert message.startswith(f"Le champ « {field} » est trop long")
    assert f"pour {limit:,} au plus".replace(",", "\u202f") in message
    assert not english_words(message)


def test_a_huge_unknown_code_is_not_echoed_whole() -> None:
    with pytest.raises(ValidationError) as err:
        replace(
            Evaluation(new_id(), "c", "intra", "k", "Alix", None), stage="x" * 100_000
        ).validated()
    assert len(str(err.value)) < 200
