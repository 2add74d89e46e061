"""Page-level benchmarks in a real Chromium (issue 8), each against a bare Streamlit baseline
measured in the same run, so the figures are ratios that hold across machines:

(a) rerun after a weight-slider move on the comparison page — 30 candidates × 10 criteria ×
    3 interviewers seeded through the Store API — against bench/bare_sliders_app.py (the same
    ten sliders in an expander in a fragment, no computation); target ratio ≤ 1.5;
(b) cold start to the first chart drawn: process start → /_stcore/health → Chromium opens the
    page → a canvas or svg inside the Vega-Lite element, for the app's comparison page on a new
    database (the demo loads on first run) against bench/hello_chart_app.py; target ratio ≤ 1.5;
(c) the app server's peak memory (VmHWM of its process, from /proc) once the demo is loaded and
    every page has been shown and a few slider moves made.

A rerun is timed from the key press to the server's « script finished » message on the app's
websocket plus the page's ``notRunning`` state (tests/e2e/conftest.py: ``rerun``).

Run from the repository root (needs /usr/bin/chromium):

    .venv/bin/python bench/bench_pages.py               # prints the Markdown section
    .venv/bin/python bench/bench_pages.py --write-docs  # also writes it into docs/performance.md
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selection.domain.model import (  # noqa: E402
    Candidate,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.domain.presets import load_preset  # noqa: E402
from selection.storage.store import Store, new_id, now  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    StreamlitServer,
    go_to_page,
    launch_streamlit,
    open_app,
    open_expander,
    rerun,
    sign_in,
    start_app_server,
    track_runs,
    wait_for_app,
)
from ui.bootstrap import PAGES  # noqa: E402

CANDIDATES = 30
INTERVIEWERS = ("Aïcha Diallo", "Benoît Martin", "Camille Petit")
STAGES_RATED = ("prequalification", "intra", "mise_en_situation")
WARMUP = 3
MOVES = 20
COLD_RUNS = 5
CHART_DRAWN = "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg"
DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Pages"


def seed_recruitment(url: str, candidates: int = CANDIDATES, seed: int = 8) -> int:
    """One recruitment, the developer preset's criteria, ``candidates`` people who reached the
    work sample, each rated on every criterion by three interviewers (one per stage), about one
    rating in ten « non évalué ». Returns the number of criteria."""
    rng = random.Random(seed)
    rec = Recruitment(id=new_id(), title="Banc d'essai", owner="Bench Responsable")
    criteria = load_preset("developpeur", rec.id)
    people, evaluations, decisions = [], [], []
    start = now() - timedelta(days=10)
    for i in range(candidates):
        person = Candidate(id=new_id(), recruitment_id=rec.id, name=f"Personne {i + 1:02d}")
        people.append(person)
        for day, stage in enumerate(("prequalification", "intra")):
            decisions.append(
                StageDecision(
                    new_id(),
                    person.id,
                    stage,
                    "continuer",
                    "Bench Responsable",
                    "ok",
                    start + timedelta(days=day),
                )
            )
        for interviewer, stage in zip(INTERVIEWERS, STAGES_RATED, strict=True):
            for criterion in criteria:
                rating = None if rng.random() < 0.1 else rng.choice((1, 2, 3))
                evaluations.append(
                    Evaluation(
                        new_id(),
                        person.id,
                        stage,
                        criterion.id,
                        interviewer,
                        rating,
                        "Exemple concret observé." if rating else "",
                    )
                )
    store = Store.open(url)
    store.save_snapshot(RecruitmentSnapshot(rec, criteria, people, evaluations, decisions))
    store.engine.dispose()
    return len(criteria)


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    context.set_default_timeout(120_000)
    page = context.new_page()
    track_runs(page)
    return context, page


def timed_moves(page, slider, count: int) -> list[float]:
    """Seconds per slider move, one step away and back, so the weights stay where they were
    (away is down unless the slider is at its minimum: a key at the end of the range does
    nothing and would start no run)."""
    times = []
    slider.focus()
    at_min = float(slider.input_value()) <= float(slider.get_attribute("min"))
    away, back = ("ArrowRight", "ArrowLeft") if at_min else ("ArrowLeft", "ArrowRight")
    for i in range(count):
        start = time.perf_counter()
        with rerun(page, timeout_ms=120_000):
            page.keyboard.press(away if i % 2 == 0 else back)
        times.append(time.perf_counter() - start)
    return times


@dataclass
class RerunResult:
    app: list[float]
    bare: list[float]
    criteria: int


def bench_rerun(browser, workdir: Path) -> RerunResult:
    db = f"sqlite:///{workdir / 'rerun.db'}"
    criteria = seed_recruitment(db)
    app = launch_streamlit(ROOT / "app.py", workdir, database_url=db)
    os.environ["BENCH_SLIDERS"] = str(criteria)
    bare = launch_streamlit(ROOT / "bench" / "bare_sliders_app.py", workdir)
    try:
        app_ctx, app_page = new_page(browser)
        open_app(app_page, app.url)
        sign_in(app_page, "Bench Responsable")
        go_to_page(app_page, "Comparaison")
        open_expander(app_page, "Pondérations (simulation")
        app_slider = app_page.get_by_test_id("stSlider").first.get_by_role("slider")

        bare_ctx, bare_page = new_page(browser)
        open_app(bare_page, bare.url)
        open_expander(bare_page, "Pondérations (simulation")
        bare_slider = bare_page.get_by_test_id("stSlider").first.get_by_role("slider")

        timed_moves(app_page, app_slider, WARMUP)
        timed_moves(bare_page, bare_slider, WARMUP)
        app_times, bare_times = [], []
        for _ in range(MOVES // 5):  # interleaved blocks: both see the same machine state
            app_times += timed_moves(app_page, app_slider, 5)
            bare_times += timed_moves(bare_page, bare_slider, 5)
        app_ctx.close()
        bare_ctx.close()
    finally:
        app.stop()
        bare.stop()
    return RerunResult(app=app_times, bare=bare_times, criteria=criteria)


@dataclass
class ColdStart:
    server_ready: float
    first_chart: float


def cold_start(browser, workdir: Path, script: Path, path: str, db: str | None) -> ColdStart:
    start = time.perf_counter()
    server = launch_streamlit(script, workdir, database_url=db)
    ready = time.perf_counter() - start
    try:
        context, page = new_page(browser)
        page.goto(server.url + path)
        page.wait_for_selector(CHART_DRAWN, state="visible")
        drawn = time.perf_counter() - start
        context.close()
    finally:
        server.stop()
    return ColdStart(server_ready=ready, first_chart=drawn)


def bench_cold_starts(browser, workdir: Path) -> tuple[list[ColdStart], list[ColdStart]]:
    app_runs, hello_runs = [], []
    for run in range(COLD_RUNS):
        folder = workdir / f"cold-{run}"
        folder.mkdir()
        db = f"sqlite:///{folder / 'cold.db'}"
        app_runs.append(cold_start(browser, folder, ROOT / "app.py", "/comparaison", db))
        hello_runs.append(
            cold_start(browser, folder, ROOT / "bench" / "hello_chart_app.py", "", None)
        )
    return app_runs, hello_runs


def proc_status(pid: int) -> dict[str, int]:
    """Memory lines of /proc/<pid>/status, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


def bench_memory(browser, workdir: Path) -> dict[str, int]:
    server: StreamlitServer = start_app_server(workdir / "memory")
    try:
        context, page = new_page(browser)
        open_app(page, server.url)
        sign_in(page, "Bench Mémoire")
        for _file, title, _icon in PAGES:
            go_to_page(page, title)
            wait_for_app(page)
        go_to_page(page, "Comparaison")
        open_expander(page, "Pondérations (simulation")
        timed_moves(page, page.get_by_test_id("stSlider").first.get_by_role("slider"), 6)
        context.close()
        return proc_status(server.process.pid)
    finally:
        server.stop()


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    import streamlit

    return {
        "CPU": cpu,
        "Cœurs (nproc)": str(os.cpu_count()),
        "Mémoire": f"{mem_kb / 1024 / 1024:.1f} Gio".replace(".", ","),
        "Système": platform.platform(),
        "Python": platform.python_version(),
        "Streamlit": streamlit.__version__,
        "Chromium": CHROMIUM_VERSION,
        "Charge au début (loadavg 1 min)": LOAD_AT_START,
    }


def chromium_version() -> str:
    import subprocess

    out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


CHROMIUM_VERSION = ""
LOAD_AT_START = ""  # other processes on the machine make every figure noisier


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s".replace(".", ",")


def ratio(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def markdown(rerun_result: RerunResult, cold: tuple, memory: dict, info: dict) -> str:
    app_med = statistics.median(rerun_result.app)
    bare_med = statistics.median(rerun_result.bare)
    app_cold, hello_cold = cold
    app_chart = statistics.median(c.first_chart for c in app_cold)
    hello_chart = statistics.median(c.first_chart for c in hello_cold)
    lines = [
        SECTION,
        "",
        f"Mesuré le {time.strftime('%Y-%m-%d')} par `bench/bench_pages.py` (Chromium piloté par "
        "Playwright ; chaque figure est comparée à une application Streamlit minimale mesurée "
        "dans la même exécution). Relancer : `.venv/bin/python bench/bench_pages.py "
        "--write-docs`.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info.items()),
        "",
        f"### Relance après un déplacement de curseur ({CANDIDATES} candidatures × "
        f"{rerun_result.criteria} critères × {len(INTERVIEWERS)} évaluateurs)",
        "",
        f"{len(rerun_result.app)} déplacements mesurés par page après {WARMUP} d'échauffement, "
        "en blocs alternés ; temps entre la touche et la fin de l'exécution (message « script "
        "terminé » du serveur puis état `notRunning` de la page).",
        "",
        "| Page | médiane | 90e centile | min | max |",
        "|---|---|---|---|---|",
        f"| Comparaison (fragment des pondérations) | {ms(app_med)} | "
        f"{ms(p90(rerun_result.app))} | {ms(min(rerun_result.app))} | "
        f"{ms(max(rerun_result.app))} |",
        f"| Curseurs seuls (`bench/bare_sliders_app.py`) | {ms(bare_med)} | "
        f"{ms(p90(rerun_result.bare))} | {ms(min(rerun_result.bare))} | "
        f"{ms(max(rerun_result.bare))} |",
        "",
        f"**Rapport des médianes : {ratio(app_med / bare_med)}** (objectif ≤ 1,5 : "
        f"{'atteint' if app_med / bare_med <= 1.5 else 'non atteint'}).",
        "",
        "### Démarrage à froid jusqu'au premier graphique dessiné",
        "",
        f"Médiane de {COLD_RUNS} démarrages : lancement du processus `streamlit run`, réponse de "
        "`/_stcore/health`, puis ouverture de la page dans un nouveau contexte Chromium jusqu'à "
        "un `canvas` ou `svg` visible dans le graphique Vega-Lite. L'application part d'une base "
        "neuve (la démonstration se charge) et s'ouvre sur `/comparaison`.",
        "",
        "| Application | serveur prêt | premier graphique |",
        "|---|---|---|",
        f"| Sélection, `/comparaison` | {sec(statistics.median(c.server_ready for c in app_cold))}"
        f" | {sec(app_chart)} |",
        "| Bonjour + un graphique Altair (`bench/hello_chart_app.py`) | "
        f"{sec(statistics.median(c.server_ready for c in hello_cold))} | {sec(hello_chart)} |",
        "",
        f"**Rapport : {ratio(app_chart / hello_chart)}** (objectif ≤ 1,5 : "
        f"{'atteint' if app_chart / hello_chart <= 1.5 else 'non atteint'}).",
        "",
        "### Mémoire du serveur",
        "",
        "Pic de mémoire résidente (`VmHWM` de `/proc/<pid>/status`) du processus `streamlit run "
        "app.py` après chargement de la démonstration, affichage de chaque page et six "
        "déplacements de curseur sur la comparaison : "
        f"**{memory['VmHWM'] / 1024:.0f} Mio** (résident à la fin : "
        f"{memory['VmRSS'] / 1024:.0f} Mio).",
        "",
    ]
    return "\n".join(lines)


def write_docs(section: str) -> None:
    """Replace the « ## Pages » section of docs/performance.md (other sections are kept)."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Performance\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.M | re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    global CHROMIUM_VERSION, LOAD_AT_START
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing")
    CHROMIUM_VERSION = chromium_version()
    LOAD_AT_START = f"{os.getloadavg()[0]:.2f}".replace(".", ",")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, sync_playwright() as pw:
        workdir = Path(tmp)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        rerun_result = bench_rerun(browser, workdir)
        cold = bench_cold_starts(browser, workdir)
        memory = bench_memory(browser, workdir)
        browser.close()
    section = markdown(rerun_result, cold, memory, machine())
    print(section)
    if args.write_docs:
        write_docs(section)
        print(f"written to {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
