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


def _journal_codes() -> set[str]:
    """Every action code the app writes to the journal (read from the code itself)."""
    import ast

    from tests.conftest import ROOT

    codes: set[str] = set()
    for path in (ROOT / "selection").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = getattr(func, "attr", None) or getattr(func, "id", None)
            if name != "audit":
                continue
            index = 1 if isinstance(func, ast.Attribute) else 2
            if len(node.args) <= index:
                continue
            arg = node.args[index]
            for value in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.add(value.value)
    return codes


def test_every_journal_action_has_a_french_label() -> None:
    from selection.domain.labels import AUDIT_ACTIONS

    codes = _journal_codes()
    assert {"choix_final", "cloture", "reouverture", "import_csv"} <= codes  # the scan sees them
    assert codes <= set(AUDIT_ACTIONS), sorted(codes - set(AUDIT_ACTIONS))


def test_the_journal_shows_actions_and_stages_in_words(tmp_path) -> None:
    app, rid = _demo(tmp_path)
    owner = app.actor("Camille Martin")
    alice = next(c.id for c in app.store.snapshot(rid).candidates if c.name == "Alice Moreau")
    ratings.assign(
        app, owner, alice, "mise_en_situation", member_key="Zoé Test", member_name="Zoé Test"
    )
    (entry,) = [e for e in data.journal(app, owner) if e.action == "Affectation à un entretien"]
    assert entry.details.startswith("Mise en situation : ")
    assert "mise_en_situation" not in entry.details
