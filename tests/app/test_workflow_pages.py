"""Evaluations, references and candidates pages on the demo: the rules as a user meets them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.app.conftest import no_exception


def open_page(app: AppTest, page: str, user: str = "") -> AppTest:
    app.run()
    if user:
        app.text_input(key="user").input(user).run()
    app.switch_page(page).run()
    no_exception(app)
    return app


def demo_ids(app: AppTest, store: Store) -> dict[str, str]:
    rid = app.session_state["recruitment_id"]
    return {c.name: c.id for c in store.list_candidates(rid)}


def test_evaluations_page_asks_for_a_name_first(app: AppTest) -> None:
    open_page(app, "pages/evaluations.py")
    assert any("Indiquez votre nom" in w.value for w in app.warning)


def test_blind_until_submitted_then_panel_shows_everyone(app: AppTest, app_store: Store) -> None:
    open_page(app, "pages/evaluations.py", user="Nadia Nouvelle")
    ids = demo_ids(app, app_store)
    app.selectbox(key="eval_candidate").select(ids["Alice Moreau"]).run()
    app.selectbox(key=f"eval_stage_{ids['Alice Moreau']}").select("intra").run()
    assert any("Masquées jusqu'à ce que vous ayez soumis" in i.value for i in app.info)
    assert not app.dataframe, "no other interviewer's rating is visible before submitting"

    radios = [r for r in app.radio if r.key and r.key.startswith(f"r_{ids['Alice Moreau']}_intra_")]
    evidences = [
        t for t in app.text_area if t.key and t.key.startswith(f"e_{ids['Alice Moreau']}_intra_")
    ]
    radios[0].set_value(3)
    evidences[0].input("A montré une fonctionnalité complète en production.")
    next(b for b in app.button if b.label == "Soumettre mon évaluation").click().run()
    no_exception(app)
    panel = app.dataframe[0].value
    assert {"Camille Martin", "Karim Benali", "Nadia Nouvelle"} <= set(panel["Évaluateur·rice"])


def test_rating_without_evidence_is_refused_and_nothing_saved(
    app: AppTest, app_store: Store
) -> None:
    open_page(app, "pages/evaluations.py", user="Nadia Nouvelle")
    ids = demo_ids(app, app_store)
    rid = app.session_state["recruitment_id"]
    before = len(app_store.list_evaluations(rid))
    app.selectbox(key="eval_candidate").select(ids["Emma Lefebvre"]).run()
    app.selectbox(key=f"eval_stage_{ids['Emma Lefebvre']}").select("intra").run()
    radios = [
        r for r in app.radio if r.key and r.key.startswith(f"r_{ids['Emma Lefebvre']}_intra_")
    ]
    radios[0].set_value(2)
    next(b for b in app.button if b.label == "Soumettre mon évaluation").click().run()
    assert any("sans preuve écrite" in e.value for e in app.error)
    assert len(app_store.list_evaluations(rid)) == before


def test_culture_stage_records_an_advisory_note(app: AppTest, app_store: Store) -> None:
    open_page(app, "pages/evaluations.py", user="Nadia Nouvelle")
    ids = demo_ids(app, app_store)
    app.selectbox(key="eval_candidate").select(ids["Alice Moreau"]).run()
    app.selectbox(key=f"eval_stage_{ids['Alice Moreau']}").select("adequation").run()
    assert not [r for r in app.radio if r.label == "Note"], "no rating at the culture stage"
    assert any("Masquées" in i.value for i in app.info)
    app.text_area[0].input("Questions pertinentes sur nos rituels d'équipe.")
    next(b for b in app.button if b.label == "Enregistrer l'observation").click().run()
    no_exception(app)
    rid = app.session_state["recruitment_id"]
    notes = [n for n in app_store.snapshot(rid).culture_notes if n.author == "Nadia Nouvelle"]
    assert len(notes) == 1
    assert any("Nadia Nouvelle" in m.value for m in app.markdown)


def test_reference_guide_refused_without_agreement(app: AppTest, app_store: Store) -> None:
    open_page(app, "pages/references.py", user="Camille Martin")
    ids = demo_ids(app, app_store)
    app.selectbox(key="ref_candidate").select(ids["Chloé Nguyen"]).run()  # agreement not asked
    assert any("n'est pas enregistré" in w.value for w in app.warning)
    assert not [b for b in app.download_button if "guide" in b.label]


def test_reference_call_is_recorded_with_its_ratings(app: AppTest, app_store: Store) -> None:
    open_page(app, "pages/references.py", user="Camille Martin")
    ids = demo_ids(app, app_store)
    app.selectbox(key="ref_candidate").select(ids["Alice Moreau"]).run()
    assert [b.label for b in app.download_button if "guide" in b.label]
    app.text_input[[t.label for t in app.text_input].index("Nom de la personne référente")].input(
        "Julie Marchand"
    )
    first_radio = next(
        r for r in app.radio if r.key and r.key.startswith(f"ref_r_{ids['Alice Moreau']}_")
    )
    crit_id = first_radio.key.split("_")[3]
    first_radio.set_value(3)
    evidence_key = first_radio.key.replace("ref_r_", "ref_e_", 1)
    app.text_input(key=evidence_key).input("A conduit l'homologation de sécurité de notre service.")
    save = next(b for b in app.button if b.label == "Enregistrer l'appel")
    save.click().run()
    # No recommendation is pre-selected: saving without choosing records nothing.
    assert any("Choisissez la recommandation" in e.value for e in app.error)
    assert not app_store.snapshot(app.session_state["recruitment_id"]).reference_calls
    next(r for r in app.radio if r.label == "Recommandation pour la mission").set_value("oui")
    next(b for b in app.button if b.label == "Enregistrer l'appel").click().run()
    no_exception(app)
    snap = app_store.snapshot(app.session_state["recruitment_id"])
    (call,) = [r for r in snap.reference_calls if r.candidate_id == ids["Alice Moreau"]]
    assert call.referee_name == "Julie Marchand"
    refs = [
        e
        for e in snap.evaluations
        if e.stage == "references" and e.candidate_id == ids["Alice Moreau"]
    ]
    assert [(e.criterion_id, e.rating, e.status) for e in refs] == [(crit_id, 3, "soumis")]


def test_candidate_report_lists_ratings_and_decisions(app: AppTest, app_store: Store) -> None:
    open_page(app, "pages/candidats.py")
    ids = demo_ids(app, app_store)
    app.selectbox(key="report_candidate").select(ids["David Petit"]).run()
    report = "\n".join(m.value for m in app.markdown)
    assert "David Petit" in report
    assert "confond authentification et autorisation" in report
    assert "TJM au-dessus du plafond" in report


def test_final_choice_refused_for_someone_else_than_the_owner(
    app: AppTest, app_store: Store
) -> None:
    open_page(app, "pages/candidats.py", user="Karim Benali")
    ids = demo_ids(app, app_store)
    app.selectbox(key="decide_candidate").select(ids["Alice Moreau"]).run()
    decision = next(r for r in app.radio if r.label == "Décision")
    decision.set_value("retenu")
    app.text_area[[t.label for t in app.text_area].index("Raison")].input("Meilleur dossier")
    next(b for b in app.button if b.label == "Enregistrer la décision").click().run()
    assert any("Seule la personne responsable" in e.value for e in app.error)


def test_a_recorded_decision_is_shown_above_the_empty_form(app: AppTest, app_store: Store) -> None:
    """After saving, the form starts empty (nobody records a decision by mistake) and the
    decision now in force at that stage is written above it."""
    open_page(app, "pages/candidats.py", user="Camille Martin")
    ids = demo_ids(app, app_store)
    app.selectbox(key="decide_candidate").select(ids["Emma Lefebvre"]).run()
    stage = app.selectbox(key=f"decide_stage_{ids['Emma Lefebvre']}").value
    before = [i.value for i in app.info if "Décision enregistrée à cette étape" in i.value]
    next(r for r in app.radio if r.label == "Décision").set_value("en_attente")
    app.text_area[[t.label for t in app.text_area].index("Raison")].input("Attendre son retour")
    next(b for b in app.button if b.label == "Enregistrer la décision").click().run()
    no_exception(app)
    app.run()
    shown = [i.value for i in app.info if "Décision enregistrée à cette étape" in i.value]
    assert shown and shown != before
    assert "En attente, par Camille Martin" in shown[0]
    assert "Attendre son retour" in shown[0]
    assert next(r for r in app.radio if r.label == "Décision").value is None
    assert app.selectbox(key=f"decide_stage_{ids['Emma Lefebvre']}").value == stage


def test_a_point_to_check_typed_without_ticking_shows_as_a_doubt_once_saved(
    app: AppTest, app_store: Store
) -> None:
    open_page(app, "pages/evaluations.py", user="Nadia Nouvelle")
    alice = demo_ids(app, app_store)["Alice Moreau"]
    app.selectbox(key="eval_candidate").select(alice).run()
    app.selectbox(key=f"eval_stage_{alice}").select("intra").run()
    prefix = f"_{alice}_intra_"
    radio = next(r for r in app.radio if r.key and r.key.startswith("r" + prefix))
    cid = radio.key.removeprefix("r" + prefix)
    radio.set_value(2)
    app.text_area(key=f"e{prefix}{cid}").input("A décrit un déploiement, sans les tests.")
    app.text_input(key=f"n{prefix}{cid}").input("Demander comment les tests étaient faits")
    assert app.checkbox(key=f"d{prefix}{cid}").value is False
    next(b for b in app.button if b.label == "Enregistrer le brouillon").click().run()
    no_exception(app)
    app.run()
    assert app.checkbox(key=f"d{prefix}{cid}").value is True  # what was saved, and what counts
    rid = app.session_state["recruitment_id"]
    mine = [
        e
        for e in app_store.list_evaluations(rid)
        if e.candidate_id == alice and e.criterion_id == cid and e.interviewer == "Nadia Nouvelle"
    ]
    assert [e.doubt for e in mine] == [True]


def test_before_a_final_choice_the_page_says_when_references_would_be_skipped(
    app: AppTest, app_store: Store
) -> None:
    """References are asked for in the demo's brief: for someone who has not reached them, the
    decision form says what a final choice now would skip (the choice itself stays possible)."""
    open_page(app, "pages/candidats.py", user="Camille Martin")
    ids = demo_ids(app, app_store)
    snap = app_store.snapshot(app.session_state["recruitment_id"])
    assert snap.recruitment.references_required
    app.selectbox(key="decide_candidate").select(ids["Chloé Nguyen"]).run()
    said = " ".join(c.value for c in app.caption if c.value.startswith("Avant un choix final"))
    assert "n'a pas encore passé la prise de références" in said
