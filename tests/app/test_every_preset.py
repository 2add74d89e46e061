"""A recruitment created from every role preset, through Cadrage as a user would, opens every
page without exception (Designer and both « Chargé·e de déploiement » profiles used to crash
Cadrage on their brief notes)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.services.recruitments import presets
from selection.storage.store import Store
from tests.app.conftest import no_exception
from ui.bootstrap import PAGES

PRESETS = [p.key for p in presets()]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_page_opens_on_a_recruitment_created_from_the_preset(
    app: AppTest, app_store: Store, preset: str
) -> None:
    app.run()
    app.text_input(key="user").input("Camille Martin").run()
    app.switch_page("pages/cadrage.py").run()
    title = f"Recrutement {preset}"
    next(t for t in app.text_input if t.label == "Intitulé du poste").input(title)
    app.selectbox[[s.label for s in app.selectbox].index("Partir d'un profil type")].select(preset)
    next(b for b in app.button if b.label == "Créer le recrutement").click().run()
    no_exception(app)
    created = next(r for r in app_store.list_recruitments() if r.title == title)
    assert app.session_state["recruitment_id"] == created.id
    expected = next(p.count for p in presets() if p.key == preset)
    assert len(app_store.list_criteria(created.id)) == expected
    assert not app.error, [e.value for e in app.error]
    for file, _title, _icon in PAGES:
        app.switch_page(f"pages/{file}").run()
        no_exception(app)
        assert not app.error, (file, [e.value for e in app.error])
