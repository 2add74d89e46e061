"""Optional login, end to end: a real Chromium, `streamlit run app.py` with an ``[auth]`` secret,
and a local OpenID Connect provider (``oidc-provider-mock``) whose page asks who you are.

What must stay true (issue 7, access control): before login no URL shows any candidate data;
after login the identity comes from the provider; a person who is not a member of the
recruitment sees nothing of it. AppTest fakes ``st.user``; only this test proves the redirects,
the callback and the identity cookie work together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from selection.services.demo import load_demo
from selection.storage.store import Store
from tests.e2e.conftest import (
    DEMO_TITLE,
    ROOT,
    BrowserPage,
    StreamlitServer,
    assert_no_exception,
    free_port,
    launch_streamlit,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

MEMBER = "camille@beta.gouv.fr"
MEMBER_NAME = "Camille Martin"  # a claim of the provider: the app cannot make it up
OUTSIDER = "intrus@example.org"
CANDIDATE = "Alice Moreau"
CLIENT_ID = "selection-e2e"
PROVIDER_STYLESHEET = "https://cdn.jsdelivr.net/npm/@picocss/**"


@dataclass
class SecuredApp:
    """The app with login on (always on ``localhost``, the host of the auth cookie) and the
    database it was seeded in."""

    server: StreamlitServer
    database_url: str

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def oidc_provider(browser) -> Iterator[str]:
    """The mock provider in this process: any client id and secret, any user typed in its form
    (claims: ``email`` = what was typed; MEMBER also has a ``name``)."""
    from oidc_provider_mock import User, run_server_in_thread

    member = User(sub=MEMBER, claims={"email": MEMBER, "name": MEMBER_NAME})
    with run_server_in_thread(port=0, user_claims=[member]) as server:
        yield f"http://localhost:{server.server_port}"


def write_secrets(path: Path, app_port: int, provider_url: str) -> None:
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{"e2e-cookie-secret-" * 3}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "e2e-client-secret"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def secured_app(
    tmp_path_factory: pytest.TempPathFactory, oidc_provider: str
) -> Iterator[SecuredApp]:
    """`streamlit run app.py` with login configured, on a database holding the demo owned
    by MEMBER, so who may see it is known before anyone logs in."""
    workdir = tmp_path_factory.mktemp("e2e-login")
    database_url = f"sqlite:///{workdir / 'login.db'}"
    store = Store.open(database_url)
    load_demo(store, owner_email=MEMBER)
    store.engine.dispose()

    port = free_port()
    secrets = workdir / "secrets.toml"
    write_secrets(secrets, port, oidc_provider)
    server = launch_streamlit(
        ROOT / "app.py",
        workdir,
        database_url,
        host="localhost",
        port=port,
        extra_args=["--secrets.files", str(secrets)],
    )
    try:
        yield SecuredApp(server=server, database_url=database_url)
    finally:
        server.stop()


# --- helpers ------------------------------------------------------------------------------


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    assert_no_exception(page)


def login_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Se connecter", exact=True)


def log_in(page: Page, app_url: str, email: str, shown_as: str) -> None:
    """The whole flow a user goes through: the app's button, the provider's page, back.

    The provider's page links its stylesheet from a CDN; with no internet that request fails
    and Chromium logs an error that is not the app's. It is answered locally with an empty
    stylesheet, so every console error left is one of ours.
    """
    page.route(PROVIDER_STYLESHEET, lambda route: route.fulfill(content_type="text/css", body=""))
    open_page(page, app_url)
    login_button(page).click()
    subject = page.locator("input[name='sub']")
    expect(subject).to_be_visible()
    assert page.url.startswith("http://localhost:") and "/oauth2/authorize" in page.url
    subject.fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    signed = (
        page.get_by_test_id("stSidebar")
        .get_by_test_id("stMarkdown")
        .filter(has_text="Connecté·e :")
    )
    # Word joiners (U+2060) keep an address from becoming a link; they are invisible.
    expect(signed).to_have_count(1)
    assert signed.inner_text().replace("\u2060", "").strip() == f"Connecté·e : {shown_as}"
    wait_for_app(page)
    assert_no_exception(page)


def go_to(page: Page, link: str, heading: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_app(page)
    assert_no_exception(page)


def assert_shows_no_recruitment_data(page: Page) -> None:
    """Checked on the whole rendered DOM, hidden parts included, not only on visible text."""
    html = page.content()
    assert CANDIDATE not in html
    assert DEMO_TITLE not in html


# --- journeys ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["", "/comparaison"], ids=["root", "deep-link"])
def test_before_login_only_the_login_screen_is_shown(
    secured_app: SecuredApp, browser_page: BrowserPage, path: str
) -> None:
    page = browser_page.page
    open_page(page, secured_app.url + path)
    expect(page.get_by_role("dialog"), "a page link is not a « page not found »").to_have_count(0)
    expect(login_button(page)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert_shows_no_recruitment_data(page)


def test_a_member_logs_in_and_sees_the_recruitment(
    secured_app: SecuredApp, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    log_in(page, secured_app.url, MEMBER, shown_as=MEMBER_NAME)
    expect(
        page.get_by_test_id("stSidebar").get_by_role("combobox", name="Recrutement")
    ).to_have_value(DEMO_TITLE)
    go_to(page, "Comparaison", "Comparaison des candidatures")
    expect(page.get_by_text(CANDIDATE).first).to_be_visible()
    open_page(page, secured_app.url + "/comparaison")  # a new session: the login cookie suffices
    expect(page.get_by_role("heading", name="Comparaison des candidatures")).to_be_visible()
    expect(page.get_by_text(CANDIDATE).first).to_be_visible()
    store = Store.open(secured_app.database_url)
    logins = [(a["actor"], a["subject"]) for a in store.list_audit() if a["action"] == "connexion"]
    store.engine.dispose()
    assert (MEMBER_NAME, MEMBER) in logins, "the audit log names who logged in, from the provider"


def test_a_non_member_sees_nothing_of_the_recruitment(
    secured_app: SecuredApp, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    log_in(page, secured_app.url, OUTSIDER, shown_as=OUTSIDER)
    go_to(page, "Candidatures", "Candidatures")
    expect(page.get_by_test_id("stAlert").filter(has_text="Aucun recrutement")).to_be_visible()
    assert_shows_no_recruitment_data(page)
