"""Real-browser fixtures: `streamlit run` on a free port with a throw-away database, Chromium,
and the helpers the browser tests share.

AppTest runs the page scripts but not the frontend; only a browser shows what a user sees (charts
drawn, downloads, deep links, console errors). Every test module here is marked ``e2e``; all of
them are skipped when Debian's Chromium is not installed.

Waiting is done on state, never on time: a widget action is wrapped in ``rerun(page)``, which
waits for the server's « script finished » message on the app's websocket, then for the
``notRunning`` state of the page.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from selection.storage.store import DATABASE_URL_ENV  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
APP_IDLE = (
    "[data-testid='stApp'][data-test-script-state='notRunning']"
    "[data-test-connection-state='CONNECTED']"
)
EXCEPTION_BOX = "[data-testid='stException']"
SERVER_START_TIMEOUT_S = 60.0
APP_TIMEOUT_MS = 60_000
DEMO_TITLE = "Développeur·se fullstack"  # the recruitment loaded on a first run
# expect() waits 5 s by default, whatever the context's timeout: on a loaded machine (CI, the
# suite beside a benchmark) the meeting's charts can take longer. Assertions still pass as soon
# as what they wait for is on screen.
EXPECT_TIMEOUT_MS = 30_000

try:
    from playwright.sync_api import expect as _expect
except ImportError:  # the fast loop can run without the browser tools
    pass
else:
    _expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# Streamlit-internal noise, not an error of ours: on a deep link such as /comparaison the frontend
# first probes /comparaison/_stcore/health and /comparaison/_stcore/host-config, gets a 404, then
# falls back to the root (/_stcore/...) and connects normally. Chromium logs each 404 as a console
# error. Only these two probes, one path segment deep, with that exact message are ignored.
DEEP_LINK_PROBE = re.compile(r"^https?://[^/]+/[^/]+/_stcore/(health|host-config)$")
RESOURCE_404 = "Failed to load resource: the server responded with a status of 404"


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class StreamlitServer:
    """One `streamlit run` process on localhost; ``stop`` ends exactly this process."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def launch_streamlit(
    script: Path,
    workdir: Path,
    database_url: str | None = None,
    timeout_s: float = SERVER_START_TIMEOUT_S,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    extra_args: Sequence[str] = (),
) -> StreamlitServer:
    """Start ``streamlit run script`` on a free port and return once /_stcore/health says ok.

    The bound on the wait keeps a broken start from hanging the suite; the server log is quoted
    in the failure so the cause is visible.
    """
    port = port or free_port()
    env = dict(os.environ)
    if database_url:
        env[DATABASE_URL_ENV] = database_url
    log_path = workdir / f"streamlit-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.address",
                host,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = StreamlitServer(url=f"http://{host}:{port}", process=process, log_path=log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)  # polling another process's port, not waiting on the page
    server.stop()
    raise RuntimeError(f"streamlit not healthy after {timeout_s:.0f} s:\n{server.log()}")


def start_app_server(workdir: Path) -> StreamlitServer:
    """The real app on a new SQLite database (the demo loads on the first run, as for a user)."""
    workdir.mkdir(parents=True, exist_ok=True)
    return launch_streamlit(
        ROOT / "app.py", workdir, database_url=f"sqlite:///{workdir / 'e2e.db'}"
    )


# --- waiting on the app --------------------------------------------------------------------


def track_runs(page) -> None:
    """Remember the page's Streamlit websocket(s), so ``rerun`` can listen to the server."""
    sockets: list = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page._streamlit_sockets = sockets


def _run_over(payload: str | bytes) -> bool:
    """True for the server's « script finished » message, except the early end of a run that
    is replaced by another one (st.rerun, or a widget change during the run)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return False
    msg = ForwardMsg.FromString(payload)
    return (
        msg.WhichOneof("type") == "script_finished"
        and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    )


@contextmanager
def rerun(page, timeout_ms: int = APP_TIMEOUT_MS) -> Iterator[None]:
    """Wrap an action that makes Streamlit run the script (or a fragment) again; returns once
    that run is over and the page is idle. Set up before the action, so no run is missed."""
    live = [ws for ws in getattr(page, "_streamlit_sockets", []) if not ws.is_closed()]
    assert live, "no Streamlit websocket: create pages with new_page (it calls track_runs)"
    with live[-1].expect_event("framereceived", predicate=_run_over, timeout=timeout_ms):
        yield
    wait_for_app(page, timeout_ms)


def wait_for_app(page, timeout_ms: int = APP_TIMEOUT_MS) -> None:
    """Wait until no script run is going on and the socket is connected (state, not time).

    The page only shows a run as started once the server says so: right after an action, use
    ``rerun`` instead.
    """
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)


def open_app(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def assert_no_exception(page) -> None:
    boxes = page.locator(EXCEPTION_BOX)
    assert boxes.count() == 0, "exception shown: " + " | ".join(boxes.all_inner_texts())


# --- page helpers shared by the browser tests -----------------------------------------------


def sign_in(page, name: str) -> None:
    """Type who is using the app in the sidebar (« Votre nom »), as every writer must."""
    from playwright.sync_api import expect

    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Votre nom")
    with rerun(page):
        box.fill(name)
        box.press("Enter")
    expect(box).to_have_value(name)


def go_to(page, title: str, heading: str) -> None:
    """Follow a sidebar link and wait for the page's own title."""
    from playwright.sync_api import expect

    with rerun(page):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def go_to_page(page, title: str) -> None:
    """Follow the sidebar link with this title (nothing to do if it is the current page)."""
    from playwright.sync_api import expect

    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)
    if link.get_attribute("aria-current") != "page":
        with rerun(page):
            link.click()
    expect(link).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("stMain").locator("h1").first).to_be_visible()


def choose(page, scope, label: str, option: str) -> None:
    """Pick an option of a Streamlit selectbox: type its text to filter the list, click it."""
    from playwright.sync_api import expect

    box = scope.get_by_role("combobox", name=label, exact=True)
    if box.input_value() == option:
        return
    in_form = box.evaluate("e => !!e.closest('[data-testid=stForm]')")
    box.click()
    box.fill(option)
    if in_form:  # a widget inside a form waits for the submit button
        page.get_by_role("option", name=option, exact=True).click()
    else:
        with rerun(page):
            page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("listbox")).to_have_count(0)  # else the next click only closes it
    expect(box).to_have_value(option)


def choose_recruitment(page, title: str) -> None:
    choose(page, page.get_by_test_id("stSidebar"), "Recrutement", title)


def open_expander(page, label: str):
    """Open an expander and return it once its opening animation is over.

    A dropdown opened while the expander still grows is closed again by the layout change, so
    the animations Streamlit starts on the click are awaited (their own promises, not a delay).
    Opening an expander starts no script run.
    """
    expander = page.get_by_test_id("stExpander").filter(has_text=label).first
    expander.locator("summary").click()
    # A cancelled animation rejects its promise: it is over all the same.
    expander.evaluate(
        "e => Promise.all(e.getAnimations({subtree: true})"
        ".map(a => a.finished.catch(() => null))).then(() => 0)"
    )
    return expander


def form_with_button(page, button: str):
    """The form holding a submit button. Found by test id and text, not by role: an open
    dropdown hides the rest of the page from the accessibility tree."""
    submit = page.get_by_test_id("stFormSubmitButton").filter(
        has=page.locator("p", has_text=re.compile(f"^{re.escape(button)}$"))
    )
    return page.get_by_test_id("stForm").filter(has=submit)


def grid_rows(frame) -> list[dict[str, str]]:
    """Rows of an st.dataframe as {header: text}, read from the grid's accessible table (the
    grid itself is drawn on a canvas)."""
    headers = {
        th.get_attribute("aria-colindex"): th.inner_text().strip()
        for th in frame.locator("thead th").all()
    }
    return [
        {
            headers.get(td.get_attribute("aria-colindex"), "?"): td.inner_text().strip()
            for td in tr.locator("td").all()
        }
        for tr in frame.locator("tbody tr").all()
    ]


def grid_cell(frame, text: str):
    return frame.locator("tbody td").filter(has_text=re.compile(f"^{re.escape(text)}$"))


def assert_chart_drawn(page) -> None:
    """Vega-Lite draws into a canvas (or an svg): an empty chart box is not a chart."""
    from playwright.sync_api import expect

    # The meeting sends its charts once the weight board is drawn: wait on that, as long as
    # any other app state.
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=APP_TIMEOUT_MS)


# --- console ------------------------------------------------------------------------------


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors of one page, minus the documented noise."""

    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        text = f"{message.text} ({url})"
        if message.text.startswith(RESOURCE_404) and DEEP_LINK_PROBE.match(url):
            self.ignored.append(text)
        else:
            self.errors.append(text)

    def assert_clean(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)


@dataclass
class BrowserPage:
    page: object
    console: ConsoleWatch


# --- fixtures -------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory: pytest.TempPathFactory, browser) -> Iterator[StreamlitServer]:
    """One server for a test module, on its own new database."""
    server = start_app_server(tmp_path_factory.mktemp("e2e-app"))
    yield server
    server.stop()


@pytest.fixture
def fresh_server(tmp_path: Path, browser) -> Iterator[StreamlitServer]:
    """A server process started for this test alone: nothing has run in it yet."""
    server = start_app_server(tmp_path / "fresh")
    yield server
    server.stop()


@pytest.fixture
def new_page(
    browser, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], BrowserPage]]:
    """Factory of pages, each in its own browser context (own cookies, own Streamlit session).

    Console errors of every page fail the test at teardown, even if the test forgot to check.
    A failed test leaves a full-page screenshot of each of its pages in its tmp_path.
    """
    contexts = []
    pages = []
    watches: list[ConsoleWatch] = []

    def make() -> BrowserPage:
        context = browser.new_context(
            viewport=VIEWPORT, accept_downloads=True, locale="fr-FR", timezone_id="Europe/Paris"
        )
        context.set_default_timeout(APP_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        track_runs(page)
        pages.append(page)
        watch = ConsoleWatch()
        watch.attach(page)
        watches.append(watch)
        return BrowserPage(page=page, console=watch)

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        for i, page in enumerate(pages):
            shot = tmp_path / f"failure-{i}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failed page: {shot}")
    for context in contexts:
        context.close()
    leftovers = [e for w in watches for e in w.errors]
    if leftovers:
        pytest.fail("console errors:\n" + "\n".join(leftovers))


@pytest.fixture
def browser_page(new_page: Callable[[], BrowserPage]) -> BrowserPage:
    return new_page()


# --- what charts draw ------------------------------------------------------------------------


def chart_texts(chart) -> list[dict]:
    """Texts a Vega-Lite chart shows (its SVG: axis labels, legend, words on marks), each with
    its box on screen: {text, x0, y0, x1, y1} and whether it lies inside the drawing (``inside``:
    a text beyond the SVG's edge is cut off). Labels Vega hid (overlap removal sets their
    opacity to 0) are not shown, so not returned."""
    return chart.locator("svg").first.evaluate(
        """svg => [...svg.querySelectorAll('text')]
          .filter(t => t.textContent.trim())
          .filter(t => { for (let e = t; e && e !== svg; e = e.parentElement)
                           if (Number(getComputedStyle(e).opacity) === 0) return false;
                         return true; })
          .map(t => { const r = t.getBoundingClientRect();
                      const box = svg.getBoundingClientRect();
                      return {text: t.textContent.trim(), x0: r.left, y0: r.top,
                              x1: r.right, y1: r.bottom,
                              inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5
                                      && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5};
                    })"""
    )


def overlapping(texts: list[dict], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes cross each other."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if (
                min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tolerance
                and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tolerance
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


# Data grids are drawn on canvases: every text drawn on any canvas of the page (on screen or
# off screen) is logged in ``window.__drawnTexts`` (``drawn_texts``), emptied by
# ``forget_drawn_texts``. Add with ``context.add_init_script(RECORD_DRAWN_TEXT)``.
RECORD_DRAWN_TEXT = """(() => {
  window.__drawnTexts = [];
  for (const name of ['CanvasRenderingContext2D', 'OffscreenCanvasRenderingContext2D']) {
    const proto = window[name] && window[name].prototype;
    if (!proto) continue;
    const fill = proto.fillText;
    proto.fillText = function (text, ...rest) {
      window.__drawnTexts.push(String(text));
      return fill.call(this, text, ...rest);
    };
  }
})();"""


def drawn_texts(page) -> list[str]:
    return page.evaluate("() => window.__drawnTexts || []")


def forget_drawn_texts(page) -> None:
    page.evaluate("() => { window.__drawnTexts = []; }")
