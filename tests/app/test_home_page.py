"""The home page on the demo: each person sees what they owe, and who owes what."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.domain.stages import STAGE_BY_CODE
from selection.services import candidates, home, ratings
from selection.services.access import Config
from selection.services.app import App
from selection.storage.store import Store
from tests.app.conftest import no_exception

LEAD = "Camille Martin"  # the demo's person responsible


def home_as(app: AppTest, user: str) -> AppTest:
    app.run()
    app.text_input(key="user").input(user).run()
    no_exception(app)
    return app


def texts(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown]


def demo_world(app: AppTest, store: Store) -> tuple[App, dict[str, str]]:
    app.run()  # the first run loads the demo
    rid = store.list_recruitments()[-1].id
    return App(store, Config(login=False)), {c.name: c.id for c in store.list_candidates(rid)}


def test_each_person_sees_what_they_owe_on_the_home_page(app: AppTest, app_store: Store) -> None:
    service, ids = demo_world(app, app_store)
    lead = service.actor(LEAD)
    # Farid is at pre-qualification (interview due); Chloé has not reached the work sample.
    ratings.assign(
        service,
        lead,
        ids["Farid Haddad"],
        "prequalification",
        member_key="Inès",
        member_name="Inès",
    )
    ratings.assign(
        service,
        lead,
        ids["Chloé Nguyen"],
        "mise_en_situation",
        member_key="Inès",
        member_name="Inès",
    )
    ratings.assign(
        service,
        lead,
        ids["Farid Haddad"],
        "prequalification",
        member_key="Omar",
        member_name="Omar",
    )

    home_as(app, "Inès")
    prequal = STAGE_BY_CODE["prequalification"].label
    situation = STAGE_BY_CODE["mise_en_situation"].label
    mine = next(t for t in texts(app) if t.startswith("**Vous devez**"))
    assert f"Farid Haddad ({prequal})" in mine
    assert f"Chloé Nguyen ({situation}, entretien à venir)" in mine
    assert mine.index("Farid Haddad") < mine.index("Chloé Nguyen"), "due ones first"
    assert "- Inès : 1 évaluation à rendre, 1 à venir" in texts(app)
    assert "- Omar : 1 évaluation à rendre" in texts(app)

    home_as(app, "Omar")
    mine = next(t for t in texts(app) if t.startswith("**Vous devez**"))
    assert "Farid Haddad" in mine and "Chloé" not in mine

    home_as(app, "Personne Extérieure")
    assert not [t for t in texts(app) if t.startswith("**Vous devez**")], "owes nothing"


def test_owed_counts_put_unassigned_stages_last(app: AppTest, app_store: Store) -> None:
    service, ids = demo_world(app, app_store)
    lead = service.actor(LEAD)
    # Farid passes pre-qualification with nobody on its panel: that stage is « à attribuer ».
    candidates.decide(
        service,
        lead,
        ids["Farid Haddad"],
        stage="prequalification",
        decision="continuer",
        reason="Points essentiels couverts.",
        base_decision_id=None,
    )
    ratings.assign(
        service,
        lead,
        ids["Emma Lefebvre"],
        "mise_en_situation",
        member_key="Zoé",
        member_name="Zoé",
    )
    ratings.assign(service, lead, ids["Chloé Nguyen"], "intra", member_key="ali", member_name="ali")
    demo = home.summaries(service, service.actor("Zoé"))[0]
    assert [o.sentence() for o in demo.owed_by_person] == [
        "ali : 1 évaluation à rendre",
        "Zoé : 1 évaluation à rendre",
        "à attribuer : 1 étape passée sans personne pour l'évaluer",
    ]
