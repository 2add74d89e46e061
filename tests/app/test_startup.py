"""A database the app cannot open gives a French sentence, never a traceback or a server path —
on any page, before login too."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.storage.schema import SCHEMA_VERSION, schema_version
from selection.storage.store import Store
from tests.app.conftest import APP
from tests.app.test_access_control import AUTH


def shown(app: AppTest) -> str:
    return " ".join(
        [e.value for e in app.error]
        + [m.value for m in app.markdown]
        + [t.value for t in app.title]
    )


@pytest.fixture
def corrupted(tmp_path, monkeypatch) -> AppTest:
    path = tmp_path / "abime.db"
    path.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    monkeypatch.setenv("SELECTION_DATABASE_URL", f"sqlite:///{path}")
    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def newer(app_db: str) -> AppTest:
    store = Store.open(app_db)
    with store.write() as conn:
        conn.execute(schema_version.update().values(version=SCHEMA_VERSION + 1))
    store.engine.dispose()
    return AppTest.from_file(APP, default_timeout=60)


@pytest.mark.parametrize("page", ["accueil", "comparaison", "donnees"])
def test_a_corrupted_database_gives_a_french_message(corrupted: AppTest, page: str) -> None:
    corrupted.run()
    if page != "accueil":
        corrupted.switch_page(f"pages/{page}.py").run()
    assert not corrupted.exception
    text = shown(corrupted)
    assert "illisible" in text and "Restaurez" in text
    assert "Traceback" not in text and "/work" not in text and ".db" not in text


def test_a_database_from_a_newer_version_gives_a_french_message(newer: AppTest) -> None:
    newer.run()
    assert not newer.exception
    assert "plus récente" in shown(newer)


def test_the_message_comes_before_the_login(corrupted: AppTest) -> None:
    corrupted.secrets["auth"] = AUTH
    corrupted.user = {"is_logged_in": False}
    corrupted.run()
    assert not corrupted.exception
    assert "illisible" in shown(corrupted)
    assert "Se connecter" not in [b.label for b in corrupted.button]


def test_a_reload_of_the_app_modules_opens_a_new_app(monkeypatch) -> None:
    """After Streamlit reloads the modules (files changed under a running server), the kept App
    would hand objects of the old classes to the new code: the generation key changes."""
    import sys
    import types

    from selection.services.app import code_generation

    before = code_generation()
    assert code_generation() == before  # stable while nothing is reloaded
    monkeypatch.setitem(
        sys.modules, "selection.domain.model", types.ModuleType("selection.domain.model")
    )
    assert code_generation() != before
