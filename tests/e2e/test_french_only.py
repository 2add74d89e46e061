"""No English on screen: every page, every tab, every opened expander, read in Chromium as a user
meets it — visible text, the attributes a screen reader or a pointer reveals (placeholders,
aria labels, titles, value texts), live announcements, the page's language — after typing into
each text field (Streamlit's « Press Enter … » hints only show then) and opening a select.

English that Streamlit 1.67 writes and offers no way to change is allowed only where it lives
(inside that widget) and is listed, with what was tried, in docs/accessibility.md
(« Ce que Streamlit laisse en anglais »). Everything else is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import (
    DEMO_TITLE,
    BrowserPage,
    StreamlitServer,
    assert_no_exception,
    choose_recruitment,
    go_to_page,
    open_app,
    rerun,
    sign_in,
    wait_for_app,
)
from ui.bootstrap import PAGES

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class English:
    """An English string a user could meet. ``streamlit`` says why it stays (documented) and
    ``inside`` the widgets (data-testid) where it may stay; without them, it must never show."""

    name: str
    pattern: str
    streamlit: str = ""
    inside: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        return re.search(self.pattern, text) is not None


ENGLISH: tuple[English, ...] = (
    # The list: all of them are ours to avoid.
    English("submit hint", r"(?i)press (ctrl|⌘|cmd)?\+?\s*enter to (submit form|apply)"),
    English("date placeholder", r"(?i)\b(dd|mm)[/.\-](mm|dd)[/.\-]yyyy\b|\byyyy[/.\-]mm[/.\-]dd\b"),
    English("date picker", r"^Choose date|^Clear date|^(day|month|year), |^(Previous|Next) month$"),
    English("select placeholder", r"^Choose (an )?options?$"),
    English("help button", r"^Help for "),
    English("heading link", r"^Link to heading$"),
    English("decimal point", r"^\d+\.\d+$"),  # a number shown as 2.00 / 1.5 (values, value texts)
    English("page language", r"^lang:(?!fr)"),
    # Streamlit's own, with no option to translate (docs/accessibility.md).
    English(
        "select announcements",
        r"(?i)\b\d+ (option|result)s? available\b|, selected$|^Show suggestions$|^Suggestions$"
        r"|^Open$|^Dismiss$",
        streamlit="Selectbox and Multiselect wrap react-aria in I18nProvider locale « en-US »",
        inside=("stSelectbox", "stMultiSelect", "stSelectboxVirtualDropdown", "live"),
    ),
    English(
        "file uploader",
        r"^Upload$|\bper file\b|^Drag and drop|^Browse files$|^file upload$|^(Delete|Remove)",
        streamlit="st.file_uploader strings are written in its component, no option",
        inside=("stFileUploader",),
    ),
    English(
        "number steps",
        r"^(Increment|Decrement)$",
        streamlit="st.number_input step buttons carry fixed English aria-labels",
        inside=("stNumberInput",),
    ),
    English(
        "data grid tools",
        r"^(Download as CSV|Search|Fullscreen|Close fullscreen|Show/hide columns|Add row)$",
        streamlit="st.dataframe / st.data_editor toolbar: fixed English labels",
        inside=("stElementToolbar", "stDataFrame"),
    ),
    English(
        "app frame",
        r"^(Skip to main content|Collapse sidebar|Expand sidebar|Sidebar|App pages|Main menu|"
        r"Dismiss)$",
        streamlit="Streamlit's frame (skip link, sidebar, navigation, toasts, select button)",
        inside=(
            "stSkipToContent",
            "stSidebar",
            "stSidebarCollapseButton",
            "stExpandSidebarButton",
            "stSidebarNav",
            "stMainMenu",
            "stToast",
            "stHeader",
        ),
    ),
)

# Visible text, the attributes users meet, live regions and the page language, each with the
# data-testid of its ancestors (so an allowed string is allowed only inside its widget).
READ_PAGE = """() => {
  const out = [];
  const where = (el) => {
    const ids = [];
    for (let e = el; e; e = e.parentElement) {
      if (e.dataset && e.dataset.testid) ids.push(e.dataset.testid);
      if (e.getAttribute && (e.getAttribute('aria-live') || e.getAttribute('role') === 'status'))
        ids.push('live');
    }
    return ids;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const el = n.parentElement;
    if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    out.push(['text', text, where(el)]);
  }
  const attrs = ['placeholder', 'aria-label', 'title', 'aria-valuetext', 'aria-description',
                 'aria-placeholder', 'aria-roledescription', 'alt'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of attrs) {
      const v = el.getAttribute(a);
      if (v && v.trim()) out.push([a, v.trim(), where(el)]);
    }
  }
  for (const el of document.querySelectorAll('input, textarea')) {
    if (el.type !== 'hidden' && el.value) out.push(['value', el.value.trim(), where(el)]);
  }
  out.push(['lang', 'lang:' + document.documentElement.lang, []]);
  return out;
}"""


@dataclass(frozen=True)
class Finding:
    page: str
    view: str
    kind: str
    text: str
    rule: str
    allowed: bool
    inside: str  # the nearest data-testids, innermost first


def findings_of(page: Page, title: str, view: str) -> list[Finding]:
    found = []
    for kind, text, ancestors in page.evaluate(READ_PAGE):
        # Text nodes can be split: judge each line on its own.
        for line in [text] if kind != "text" else text.splitlines():
            line = line.strip()
            rules = [rule for rule in ENGLISH if rule.matches(line)]
            if not rules:
                continue
            # Allowed when one of the rules it matches allows it where it is.
            allowing = [r for r in rules if r.streamlit and any(a in r.inside for a in ancestors)]
            inside = " < ".join(ancestors[:3])
            for rule in allowing[:1] or rules:
                found.append(Finding(title, view, kind, line, rule.name, bool(allowing), inside))
    return found


def type_into_fields(page: Page) -> None:
    """Type one letter into each text field of the main area (a form keeps it until submitted;
    a field outside a form commits it after a pause, so the page is awaited)."""
    main = page.get_by_test_id("stMain")
    fields = main.locator(
        "[data-testid=stTextInput] input:not([disabled]), "
        "[data-testid=stTextArea] textarea:not([disabled])"
    )
    for field in fields.all():
        if field.is_visible():
            field.click()
            field.press("End")
            page.keyboard.type("x")


def open_expanders(page: Page) -> None:
    for expander in page.get_by_test_id("stMain").get_by_test_id("stExpander").all():
        if expander.is_visible() and expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").first.click()


def views(page: Page, title: str) -> list[Finding]:
    """The page, then each of its tabs: expanders open, a letter typed in every text field."""
    found = []
    tabs = page.get_by_test_id("stMain").get_by_role("tab").all()
    names = [""] + [t.inner_text().strip() for t in tabs[1:]]
    for i, name in enumerate(names):
        if i:
            tabs[i].click()
        open_expanders(page)
        type_into_fields(page)
        found += findings_of(page, title, name or "page")
        wait_for_app(page)
    return found


@pytest.fixture(scope="module")
def scan(browser, app_server: StreamlitServer) -> dict[str, list[Finding]]:
    """Every page read once, in a French browser, by a signed-in person on the demo."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(60_000)
    page = context.new_page()
    from tests.e2e.conftest import track_runs

    track_runs(page)
    open_app(page, app_server.url)
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, "Audit Français")
    out: dict[str, list[Finding]] = {}
    # The sidebar: its name field mid-typing, and a select opened (its announcements).
    name = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Votre nom")
    name.click()
    name.press("End")
    page.keyboard.type("e")
    sidebar = findings_of(page, "barre latérale", "nom en cours de saisie")
    wait_for_app(page)
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Recrutement")
    box.click()
    sidebar += findings_of(page, "barre latérale", "liste des recrutements ouverte")
    page.keyboard.press("Escape")
    out["barre latérale"] = sidebar
    for _file, title, _icon in PAGES:
        with rerun(page):
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        go_to_page(page, title)
        assert_no_exception(page)
        out[title] = views(page, title)
    context.close()
    return out


def report(findings: list[Finding]) -> str:
    return "\n".join(
        f"{f.page} | {f.view} | {f.kind} | {f.rule} | « {f.text} » | {f.inside}"
        for f in sorted(set(findings), key=lambda f: (f.page, f.view, f.rule, f.text))
    )


@pytest.mark.parametrize(
    "where",
    [pytest.param(where) for where in ["barre latérale", *[title for _f, title, _i in PAGES]]],
)
def test_no_english_of_ours_on_any_page(where: str, scan: dict[str, list[Finding]]) -> None:
    found = scan[where]
    allowed = [f for f in found if f.allowed]
    if allowed:
        print(f"\nanglais de Streamlit, documenté ({where}):\n{report(allowed)}")
    ours = [f for f in found if not f.allowed]
    assert not ours, f"English on screen ({where}):\n{report(ours)}"


def test_the_scan_sees_english_where_it_is(browser_page: BrowserPage, app_server) -> None:
    """The scanner is not blind: English put in the main area is found and counted as ours,
    and the same words inside a file uploader are counted as Streamlit's."""
    page = browser_page.page
    open_app(page, app_server.url)
    page.evaluate(
        """() => {
      const p = document.createElement('p');
      p.textContent = 'Press Enter to submit form';
      p.id = 'probe-ours';
      document.querySelector('[data-testid=stMain]').prepend(p);
      const d = document.createElement('div');
      d.dataset.testid = 'stFileUploader';
      d.innerHTML = '<button aria-label="Upload">Upload</button>';
      d.id = 'probe-streamlit';
      document.querySelector('[data-testid=stMain]').prepend(d);
    }"""
    )
    found = {(f.rule, f.allowed) for f in findings_of(page, "sonde", "page")}
    page.evaluate(
        "() => document.querySelectorAll('#probe-ours, #probe-streamlit').forEach(e => e.remove())"
    )
    assert ("submit hint", False) in found
    assert ("file uploader", True) in found
    assert not any(rule == "file uploader" and not ok for rule, ok in found)
