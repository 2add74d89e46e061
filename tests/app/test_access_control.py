"""Optional login: with [auth] configured, no candidate data before login, members only."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.services.demo import load_demo
from selection.storage.store import Store
from tests.app.conftest import no_exception

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 40,
    "client_id": "selection",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture
def secured(app: AppTest, app_store: Store) -> tuple[AppTest, Store, str]:
    rid = load_demo(app_store, owner_email="camille@beta.gouv.fr")
    app.secrets["auth"] = AUTH
    return app, app_store, rid


def page_text(app: AppTest) -> str:
    return " ".join(
        [m.value for m in app.markdown]
        + [t.value for t in app.title]
        + [i.value for i in app.info]
        + [str(d.value) for d in app.dataframe]
        + [s.value for s in app.header]
    )


def test_nothing_is_shown_before_login(secured) -> None:
    app, store, _ = secured
    app.user = {"is_logged_in": False}
    app.run()
    no_exception(app)
    assert [b.label for b in app.button] == ["Se connecter"]
    text = page_text(app)
    assert "Alice" not in text and "Développeur·se" not in text
    assert store.list_audit() == [], "no login recorded yet"


def test_member_sees_the_recruitment_and_the_login_is_audited(secured) -> None:
    app, store, rid = secured
    app.user = {"is_logged_in": True, "email": "camille@beta.gouv.fr", "name": "Camille Martin"}
    app.run()
    no_exception(app)
    assert app.session_state["recruitment_id"] == rid
    assert "Développeur·se fullstack" in page_text(app)
    assert any(a["action"] == "connexion" for a in store.list_audit())
    app.switch_page("pages/comparaison.py").run()
    no_exception(app)
    assert "Alice Moreau" in page_text(app)


def test_non_member_sees_nothing_of_it(secured) -> None:
    app, store, _ = secured
    app.user = {"is_logged_in": True, "email": "intrus@example.org", "name": "Intrus"}
    app.run()
    no_exception(app)
    assert "Développeur·se fullstack" not in page_text(app)
    app.switch_page("pages/candidats.py").run()
    no_exception(app)
    assert "Alice" not in page_text(app)
    assert any("Aucun recrutement" in i.value for i in app.info)


def test_without_configuration_the_app_is_open(app: AppTest) -> None:
    app.run()
    assert "Se connecter" not in [b.label for b in app.button]
    assert app.text_input(key="user").label == "Votre nom"
