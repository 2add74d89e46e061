"""The kits page shows, for a stage, exactly the criteria the brief assigns to it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.app.conftest import no_exception


def test_kit_of_the_intra_stage_lists_its_criteria_only(app: AppTest, app_store: Store) -> None:
    app.run()
    app.switch_page("pages/kits.py").run()
    no_exception(app)
    rid = app.session_state["recruitment_id"]
    app.session_state["kit_stage"] = "intra"
    app.run()
    text = "\n".join(m.value for m in app.markdown)
    criteria = app_store.list_criteria(rid)
    for c in criteria:
        if "intra" in c.stages:
            assert c.label in text
    assert "Sécurité applicative" not in text  # probed at pre-qualification and references only
    labels = [b.label for b in app.download_button]
    assert labels == ["Télécharger le kit (Markdown)", "Télécharger le kit à imprimer (HTML)"]
