"""Every page runs without exception, on the demo and on an empty database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.app.conftest import no_exception
from ui.bootstrap import PAGES

PAGE_FILES = [f"pages/{file}" for file, _title, _icon in PAGES]


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_runs_on_demo(app: AppTest, page: str) -> None:
    app.run()
    app.switch_page(page).run()
    no_exception(app)
    assert app.title, "every page has a title"


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_runs_on_empty_database(app: AppTest, app_db: str, page: str) -> None:
    store = Store.open(app_db)
    app.run()  # first run loads the demo; delete it to get an empty database
    for rec in store.list_recruitments():
        store.delete_recruitment(rec.id)
    app.switch_page(page).run()
    no_exception(app)
    shown = " ".join(
        [m.value for m in app.info]
        + [m.value for m in app.markdown]
        + [e.label for e in app.expander]
    )
    assert "recrutement" in shown.lower(), "an empty state says to create a recruitment"


def test_home_shows_demo_dashboard(app: AppTest) -> None:
    app.run()
    no_exception(app)
    assert any("Développeur·se fullstack" in m.value for m in app.markdown)
    assert [m.label for m in app.metric][:2] == ["Candidatures", "En cours"]
    assert app.metric[0].value == "6"
