"""What the Données page says about the files and the journal matches what they hold."""

from __future__ import annotations

import json

from selection.services import data, ratings, reading
from selection.services.access import Config
from selection.services.app import App
from selection.services.demo import load_demo
from selection.storage.store import Store


def _demo(tmp_path) -> tuple[App, str]:
    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    return App(store, Config()), load_demo(store)


def test_a_backup_by_someone_still_blind_says_what_it_leaves_out(tmp_path) -> None:
    app, rid = _demo(tmp_path)
    owner = app.actor("Camille Martin")
    snap = app.store.snapshot(rid)
    alice = next(c.id for c in snap.candidates if c.name == "Alice Moreau")
    ratings.assign(app, owner, alice, "intra", member_key="Zoé Test", member_name="Zoé Test")
    zoe = app.actor("Zoé Test")

    zoe_view = reading.view(app, zoe, rid)
    note = data.backup_scope_note(zoe_view)
    assert zoe_view.blinded == {alice}
    assert "ce que les autres ont écrit sur 1 personne n'y est pas non plus" in note
    # What the note says is what the file holds: nothing anybody wrote about Alice.
    file = json.loads(data.backup(app, zoe, rid))
    rows = json.dumps(file, ensure_ascii=False)
    evaluations = _rows(file, "evaluations")
    assert evaluations  # others' ratings about the other people are in it
    assert alice not in {e["candidate_id"] for e in evaluations}
    assert "Alice Moreau" in rows  # the person is there, not the others' evidence about her

    owner_note = data.backup_scope_note(reading.view(app, owner, rid))
    assert owner_note.startswith("La sauvegarde contient ce que vous voyez")
    assert "Tant que" not in owner_note


def _rows(file: dict, table: str) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == table and isinstance(value, list):
                    found.extend(v for v in value if isinstance(v, dict))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(file)
    return found


def test_the_journal_says_whose_entries_it_shows_in_each_mode(tmp_path) -> None:
    app, _ = _demo(tmp_path)
    assert "montre les actions de tous les recrutements" in data.journal_scope(app)
    secured = App(app.store, Config(login=True))
    assert data.journal_scope(secured).startswith(
        "Vous voyez le journal des recrutements dont vous avez la charge"
    )
