"""axe-core on every page of the app, in Chromium: no serious or critical violation may come
from our own content. What Streamlit's own frame or widget internals produce is reported, not
failed on, and listed in docs/accessibility.md.

axe-core is the npm package pinned in tests/e2e/package.json (installed by scripts/e2e_setup.sh)
and injected into the page. Each page is checked as loaded with every expander of the main area
open, then once per tab of its tab bars (axe only checks what is displayed).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import (
    APP_TIMEOUT_MS,
    DEMO_TITLE,
    VIEWPORT,
    BrowserPage,
    ConsoleWatch,
    StreamlitServer,
    assert_no_exception,
    choose_recruitment,
    go_to_page,
    open_app,
    sign_in,
    track_runs,
)
from ui.bootstrap import PAGES

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Where Streamlit, not the app, decides the markup: its frame (top bar and menu, sidebar header
# and page navigation, toolbars over each element, toasts, skip link) and the inner markup of
# widgets we only feed with labels and data (data grid, file drop zone, select popovers).
# A node inside one of these is « Streamlit »; every other node — our headings, markdown,
# captions, alerts, metrics, chart boxes, widget labels, theme colours — is « ours ».
STREAMLIT_CHROME = ", ".join(
    f"[data-testid='{test_id}']"
    for test_id in (
        "stHeader",
        "stToolbar",
        "stDecoration",
        "stStatusWidget",
        "stSidebarHeader",
        "stSidebarCollapseButton",
        "stExpandSidebarButton",
        "stSidebarNav",
        "stSkipToContent",
        "stElementToolbar",
        "stToast",
        "stDataFrameResizable",
        "stFileUploaderDropzone",
        "portal",
    )
)

RUN_AXE = """async (chrome) => {
  const result = await axe.run(document, {elementRef: true, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.join(' '),
      impact: n.impact,
      streamlit: !!(n.element && n.element.closest(chrome)),
    })),
  }));
}"""


def axe_violations(page: Page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, STREAMLIT_CHROME)


def open_every_expander(page: Page) -> None:
    for expander in page.get_by_test_id("stMain").get_by_test_id("stExpander").all():
        if expander.locator("details").get_attribute("open") is None:
            expander.locator("summary").first.click()


def views_of(page: Page) -> list[tuple[str, list[dict]]]:
    """Violations of the page as loaded (expanders open), then with each other tab shown."""
    open_every_expander(page)
    views = [("", axe_violations(page))]
    for tab in page.get_by_test_id("stMain").get_by_role("tab").all()[1:]:
        tab.click()
        open_every_expander(page)
        views.append((tab.inner_text().strip(), axe_violations(page)))
    return views


def summary(findings: list[dict]) -> Counter:
    return Counter((f["rule"], f["impact"], f["owner"]) for f in findings)


@pytest.fixture(scope="module")
def audit_page(browser, app_server: StreamlitServer) -> Iterator[BrowserPage]:
    """One signed-in session for the whole audit: each test only switches page."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/e2e_setup.sh (npm ci in tests/e2e)")
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.set_default_timeout(APP_TIMEOUT_MS)
    page = context.new_page()
    track_runs(page)
    console = ConsoleWatch()
    console.attach(page)
    open_app(page, app_server.url)
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, "Audit Accessibilité")
    yield BrowserPage(page=page, console=console)
    context.close()


@pytest.mark.parametrize("title", [title for _file, title, _icon in PAGES])
def test_no_serious_violation_from_our_content(
    title: str, audit_page: BrowserPage, tmp_path: Path
) -> None:
    page = audit_page.page
    audit_page.console.errors.clear()
    go_to_page(page, title)
    assert_no_exception(page)

    findings = [
        {
            "page": title,
            "view": view,
            "rule": violation["id"],
            "impact": node["impact"] or violation["impact"],
            "owner": "streamlit" if node["streamlit"] else "ours",
            "target": node["target"],
            "help": violation["help"],
        }
        for view, violations in views_of(page)
        for violation in violations
        for node in violation["nodes"]
    ]
    report = tmp_path / "axe.json"
    report.write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
    for (rule, impact, owner), count in sorted(summary(findings).items()):
        print(f"\naxe | {title} | {rule} | {impact} | {owner} | {count}")
    ours = [f for f in findings if f["owner"] == "ours" and f["impact"] in BLOCKING]
    assert not ours, f"serious or critical violations in our content ({report}):\n" + "\n".join(
        f"{f['rule']} ({f['impact']}) {f['view'] or 'page'}: {f['target']} — {f['help']}"
        for f in ours
    )
    audit_page.console.assert_clean()


def test_the_audit_tells_our_content_from_streamlit_chrome(audit_page: BrowserPage) -> None:
    """The same fault (an image without text alternative, « critical » for axe) counts as ours
    in the main area and as Streamlit's in its top bar: the filter above cannot hide ours."""
    page = audit_page.page
    page.evaluate(
        """() => {
      for (const [where, id] of [['stMain', 'probe-ours'], ['stHeader', 'probe-chrome']]) {
        const img = document.createElement('img');
        img.id = id;
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.querySelector(`[data-testid='${where}']`).prepend(img);
      }
    }"""
    )
    found = {
        node["target"]: (violation["id"], node["impact"], node["streamlit"])
        for violation in axe_violations(page)
        for node in violation["nodes"]
        if node["target"] in ("#probe-ours", "#probe-chrome")
    }
    page.evaluate(
        "() => document.querySelectorAll('#probe-ours, #probe-chrome').forEach(e => e.remove())"
    )
    assert found == {
        "#probe-ours": ("image-alt", "critical", False),
        "#probe-chrome": ("image-alt", "critical", True),
    }
