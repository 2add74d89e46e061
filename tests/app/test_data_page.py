"""The data page: erasure on request, the audit log, retention settings."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.app.conftest import no_exception


def open_data_page(app: AppTest) -> AppTest:
    app.run()
    app.text_input(key="user").input("Camille Martin").run()
    app.switch_page("pages/donnees.py").run()
    no_exception(app)
    return app


def test_erasure_needs_the_name_typed_then_removes_everything(
    app: AppTest, app_store: Store
) -> None:
    open_data_page(app)
    rid = app.session_state["recruitment_id"]
    people = {c.name: c.id for c in app_store.list_candidates(rid)}
    app.selectbox(key="rights_person").select(people["Bastien Roux"]).run()
    erase = next(b for b in app.button if b.label == "Effacer cette personne")
    assert erase.disabled
    app.text_input(key="erase_confirm").input("Bastien Roux").run()
    next(b for b in app.button if b.label == "Effacer cette personne").click().run()
    no_exception(app)
    snap = app_store.snapshot(rid)
    assert "Bastien Roux" not in {c.name for c in snap.candidates}
    assert all(e.candidate_id != people["Bastien Roux"] for e in snap.evaluations)
    assert all(n.candidate_id != people["Bastien Roux"] for n in snap.culture_notes)
    (entry,) = [a for a in app_store.list_audit() if a["action"] == "effacement"]
    assert entry["actor"] == "Camille Martin"
    assert "Bastien" not in entry["subject"] + entry["details"]


def test_nothing_to_purge_on_an_open_recruitment(app: AppTest) -> None:
    open_data_page(app)
    assert any("Aucune donnée à supprimer" in s.value for s in app.success)


def test_backup_and_template_downloads_are_offered(app: AppTest) -> None:
    open_data_page(app)
    labels = [b.label for b in app.download_button]
    assert any(label.startswith("Sauvegarder « Développeur·se fullstack »") for label in labels)
    assert "Tout sauvegarder" in labels
    assert any(label.startswith("Télécharger le modèle") for label in labels)


def test_the_file_pickers_announce_the_limits_the_imports_enforce() -> None:
    """The restore and CSV pickers refuse (and say) the size the storage checks, no other."""
    import ast

    from selection.services import data
    from selection.storage.backup import MAX_IMPORT_BYTES
    from selection.storage.csv_import import MAX_CSV_BYTES
    from tests.conftest import ROOT

    assert data.RESTORE_MAX_MB * 1024 * 1024 == MAX_IMPORT_BYTES
    assert data.CSV_MAX_MB * 1024 * 1024 == MAX_CSV_BYTES
    tree = ast.parse((ROOT / "pages" / "donnees.py").read_text(encoding="utf-8"))
    given = sorted(
        ast.unparse(kw.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "max_upload_size"
    )
    assert given == ["CSV_MAX_MB", "RESTORE_MAX_MB"]
    assert "RESTORE_MAX_MB = data.RESTORE_MAX_MB" in ast.unparse(tree)
    assert "CSV_MAX_MB = data.CSV_MAX_MB" in ast.unparse(tree)
