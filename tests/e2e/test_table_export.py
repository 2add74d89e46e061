"""Every way out of the app is injection-safe: Streamlit's own table export (« Download as CSV »,
copy to clipboard) is switched off (client.disableDataExport), so a name typed as a formula can
only leave through the app's CSV, which neutralises it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    BrowserPage,
    StreamlitServer,
    go_to,
    open_app,
)

pytestmark = pytest.mark.e2e


def test_tables_offer_no_download_of_their_own(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    open_app(page, app_server.url)
    go_to(page, "Candidatures", "Candidatures")
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible()
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar")
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)
    expect(page.get_by_test_id("stElementToolbarButton").filter(has_text="Download")).to_have_count(
        0
    )
