from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def app(app_db: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app on a fresh database (the demo loads on first run). Unexpected errors are raised
    (SELECTION_DEBUG), not turned into the French message users see, so tests catch them."""
    monkeypatch.setenv("SELECTION_DEBUG", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    return at


@pytest.fixture
def app_store(app_db: str) -> Store:
    return Store.open(app_db)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
