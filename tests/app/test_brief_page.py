"""The brief page: create from a preset, edit a weight, save, reload — the change persists."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.app.conftest import no_exception

PAGE = "pages/cadrage.py"


def open_brief(app: AppTest, user: str = "Camille Martin") -> AppTest:
    app.run()
    if user:
        app.text_input(key="user").input(user).run()
    app.switch_page(PAGE).run()
    no_exception(app)
    return app


def test_create_from_coach_preset_then_edit_a_weight_persists(
    app: AppTest, app_store: Store
) -> None:
    open_brief(app)
    form_inputs = [t for t in app.text_input if t.label == "Intitulé du poste"]
    form_inputs[0].input("Coach de la start-up Démo")
    app.selectbox[[s.label for s in app.selectbox].index("Partir d'un profil type")].select("coach")
    next(b for b in app.button if b.label == "Créer le recrutement").click().run()
    no_exception(app)

    created = next(
        r for r in app_store.list_recruitments() if r.title == "Coach de la start-up Démo"
    )
    criteria = app_store.list_criteria(created.id)
    assert len(criteria) == 9
    assert created.role == "Coach"
    assert app.header[0].value == "Coach de la start-up Démo"

    first = criteria[0]
    app.select_slider(key=f"brief_w_{first.id}_0").set_value(0.5)
    next(b for b in app.button if b.label == "Enregistrer les pondérations").click().run()
    no_exception(app)
    assert app_store.list_criteria(created.id)[0].weight == 0.5

    reloaded = AppTest.from_file(app._script_path, default_timeout=60)
    reloaded.run()
    reloaded.session_state["_pending_recruitment_id"] = created.id
    reloaded.switch_page(PAGE).run()
    assert reloaded.select_slider(key=f"brief_w_{first.id}_0").value == 0.5


def test_empty_title_is_refused_and_nothing_is_created(app: AppTest, app_store: Store) -> None:
    open_brief(app)
    before = len(app_store.list_recruitments())
    next(b for b in app.button if b.label == "Créer le recrutement").click().run()
    assert any("titre" in e.value for e in app.error)
    assert len(app_store.list_recruitments()) == before


def test_a_criterion_probed_at_no_stage_is_warned_about(app: AppTest, app_store: Store) -> None:
    open_brief(app)
    rid = app.session_state["recruitment_id"]
    crits = app_store.list_criteria(rid)
    app_store.save_criteria(
        rid, [c if i else c.__class__(**{**c.__dict__, "stages": ()}) for i, c in enumerate(crits)]
    )
    app.run()
    assert any(crits[0].label in w.value for w in app.warning)


def test_a_weight_saved_meanwhile_by_someone_else_is_not_overwritten(
    app: AppTest, app_store: Store
) -> None:
    from selection.services import brief
    from selection.services.access import Config
    from selection.services.app import App

    open_brief(app)
    rid = app.session_state["recruitment_id"]
    first = app_store.list_criteria(rid)[0]
    other = App(app_store, Config())
    brief.save_weights(other, other.actor("Sophie Leroy"), rid, [first], {first.id: 0.4})

    app.select_slider(key=f"brief_w_{first.id}_0").set_value(2.9)
    next(b for b in app.button if b.label == "Enregistrer les pondérations").click().run()
    no_exception(app)
    assert any("Sophie Leroy" in e.value and first.label in e.value for e in app.error)
    assert app_store.list_criteria(rid)[0].weight == 0.4, "nothing overwritten"
    assert app.select_slider(key=f"brief_w_{first.id}_0").value == 2.9, "the input stays"
    app.button(key="reload_weights").click().run()  # « Recharger le cadrage » of this tab
    assert app.select_slider(key=f"brief_w_{first.id}_1").value == 0.4
