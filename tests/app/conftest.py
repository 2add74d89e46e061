from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from selection.storage.store import Store
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def app(app_db: str) -> AppTest:
    """The app on a fresh database (the demo loads on first run)."""
    at = AppTest.from_file(APP, default_timeout=60)
    return at


@pytest.fixture
def app_store(app_db: str) -> Store:
    return Store.open(app_db)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
