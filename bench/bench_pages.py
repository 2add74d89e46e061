"""Page-level benchmarks in a real Chromium, each against a bare Streamlit baseline measured in
the same interleaved run, so the figures are ratios that hold across machines:

(a) a weight-slider move on the comparison page, timed from the key press to the LAST update of
    any chart or table in the browser (bench/settle.js: DOM mutations inside a chart or a data
    grid, and draw calls on their canvases; the move is over once nothing of the kind happened
    for a quiet period), for a seeded recruitment (30 candidates × 10 criteria × 3 interviewers ×
    5 stages) and for the demo, against bench/bare_sliders_app.py (the same sliders in an
    expander in a fragment, no computation). Also reported: when the ranking chart and its table
    were last updated, the server's CPU time per move (/proc/<pid>/stat) and the browser's main
    thread time per move (Chrome DevTools Protocol, Performance.getMetrics « TaskDuration »);
(b) cold start to the first chart drawn: process start → /_stcore/health → Chromium opens the
    page → a canvas or svg inside the Vega-Lite element, for the app's comparison page on a new
    database (the demo loads on first run) against bench/hello_chart_app.py;
(c) peak server memory (VmHWM from /proc) once the comparison page is drawn and five slider
    moves made, at 30 and at 1,000 candidates, against the hello-world server once its chart is
    drawn.

Run from the repository root (needs /usr/bin/chromium):

    .venv/bin/python bench/bench_pages.py               # prints the Markdown section
    .venv/bin/python bench/bench_pages.py --write-docs  # also writes it into docs/performance.md
    .venv/bin/python bench/bench_pages.py --only rerun --moves 10   # a quicker look
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selection.domain.model import (  # noqa: E402
    Candidate,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    StageDecision,
)
from selection.domain.presets import load_preset  # noqa: E402
from selection.domain.stages import CULTURE, STAGE_CODES  # noqa: E402
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
    track_runs,
    wait_for_app,
)

CANDIDATES = 30
MEMORY_CANDIDATES = (30, 1000)
INTERVIEWERS = ("Aïcha Diallo", "Benoît Martin", "Camille Petit")
WARMUP = 3
MOVES = 20
BLOCK = 5
COLD_RUNS = 5
FOLLOW_UPS = 5
QUIET_MS = 400  # nothing redrawn for this long: the move is over
# Several pages are measured side by side: none of them may be treated as a background page
# (timers slowed down, rendering paused) while another one has the focus.
BENCH_ARGS = [
    *CHROMIUM_ARGS,
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
# A Vega-Lite chart drawn, or the first row of the meeting board's ranking chart (HTML).
CHART_DRAWN = (
    "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg, "
    ".sel-board .sel-rank-row"
)
SETTLE_JS = (ROOT / "bench" / "settle.js").read_text(encoding="utf-8")
DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Pages"
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- data ------------------------------------------------------------------------------------


def seed_recruitment(url: str, candidates: int = CANDIDATES, seed: int = 8) -> int:
    """One recruitment, the developer preset's criteria, ``candidates`` people who went through
    the five stages (« continuer » at the first four), each rated on every criterion at every
    stage by three interviewers (the culture stage also gets a note from each), about one rating
    in ten « non évalué ». Returns the number of criteria."""
    rng = random.Random(seed)
    rec = Recruitment(id=new_id(), title="Banc d'essai", owner="Bench Responsable")
    criteria = load_preset("developpeur", rec.id)
    people, evaluations, decisions, notes = [], [], [], []
    start = now() - timedelta(days=20)
    for i in range(candidates):
        person = Candidate(id=new_id(), recruitment_id=rec.id, name=f"Personne {i + 1:04d}")
        people.append(person)
        level = {c.id: rng.uniform(1.3, 2.8) for c in criteria}
        for day, stage in enumerate(STAGE_CODES[:-1]):
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
        for stage in STAGE_CODES:
            for interviewer in INTERVIEWERS:
                if stage == CULTURE:
                    notes.append(CultureNote(new_id(), person.id, interviewer, "Échange ouvert."))
                for criterion in criteria:
                    if rng.random() < 0.1:
                        rating = None
                    else:
                        noisy = level[criterion.id] + rng.gauss(0, 0.6)
                        rating = min(3, max(1, round(noisy)))
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
    store.save_snapshot(
        RecruitmentSnapshot(rec, criteria, people, evaluations, decisions, culture_notes=notes)
    )
    store.engine.dispose()
    return len(criteria)


# --- the browser side ------------------------------------------------------------------------


def new_page(browser, viewport: dict | None = None):
    context = browser.new_context(viewport=viewport or VIEWPORT, locale="fr-FR")
    context.set_default_timeout(120_000)
    context.add_init_script(SETTLE_JS)
    page = context.new_page()
    track_runs(page)
    return context, page


@dataclass
class Move:
    settled: float  # key press → last chart or table update (or the end of the run, if later)
    idle: float  # key press → the page shows the run is over
    ranking: float | None  # key press → last update of the ranking chart and its table
    follow_up: bool = False  # the follow-up sections were redrawn during this move


def wait_settled(page, run: bool = True) -> dict:
    """Wait until no chart or table has been touched for QUIET_MS (after the run the key
    started has ended, when ``run``), then return the page's records (bench/settle.js)."""
    page.wait_for_function(
        """([q, run]) => { const B = window.__bench;
                  if (run && !(B.msg > B.key)) return false;
                  const last = Math.max(B.key, B.idle, B.msg, B.chart, B.table);
                  return B.laid >= last && performance.now() - last > q; }""",
        arg=[QUIET_MS, run],
        polling=50,
        timeout=120_000,
    )
    return page.evaluate(
        "() => ({...JSON.parse(JSON.stringify(window.__bench)),"
        " pause: window.__selectionPauseFired || 0, synced: window.__selectionBoardSynced || 0})"
    )


def settle_now(page) -> None:
    """Let whatever the page is still drawing finish (used before the first timed move)."""
    page.evaluate("() => { window.__bench.key = performance.now() - 1; }")
    page.evaluate("() => { window.__bench.msg = window.__bench.laid = performance.now(); }")
    wait_settled(page)


def timed_moves(page, slider, count: int, run: bool = True) -> list[Move]:
    """One slider step per move, away and back, so the weights stay where they were (away is
    down unless the slider is at its minimum: a key at the end of the range starts no run).
    ``run``: the move starts a script run (a Streamlit slider); the meeting board redraws in
    the browser and sends the weights to the server only once the sliders are let go."""
    moves = []
    slider.focus()
    at_min = float(slider.input_value()) <= float(slider.get_attribute("min"))
    away, back = ("ArrowRight", "ArrowLeft") if at_min else ("ArrowLeft", "ArrowRight")
    for i in range(count):
        key = away if i % 2 == 0 else back
        if run:
            with rerun(page, timeout_ms=120_000):
                page.keyboard.press(key)
        else:
            page.keyboard.press(key)
        b = wait_settled(page, run)
        key = b["key"]
        # the board's chart and table (the bare page has neither)
        ranking = [t for t in (b["chart"], b["table"]) if t > key] if not run else []
        end_of_run = max(b["idle"], b["msg"]) if run else key
        moves.append(
            Move(
                # the page laid out after the last update (or the end of the run)
                settled=(b["laid"] - key) / 1000,
                idle=(end_of_run - key) / 1000,
                ranking=(max(ranking) - key) / 1000 if ranking else None,
                follow_up=b["pause"] > key or b["synced"] > key,
            )
        )
    return moves


@dataclass
class FollowUp:
    fired: float  # key press → the page asks for the follow-up (the sliders were let go)
    settled: float  # key press → last chart or table update of the follow-up
    own: float  # the follow-up alone: request → last update


def timed_follow_ups(page, slider, count: int) -> list[FollowUp]:
    """Moves left alone: the board sends the weights to the server once the slider is let go,
    and the sentence, robustness, gaps and evolution follow; time until they are drawn."""
    out = []
    slider.focus()
    at_min = float(slider.input_value()) <= float(slider.get_attribute("min"))
    away, back = ("ArrowRight", "ArrowLeft") if at_min else ("ArrowLeft", "ArrowRight")
    for i in range(count):
        page.keyboard.press(away if i % 2 == 0 else back)
        page.wait_for_function(
            "() => (window.__selectionBoardSynced || 0) > window.__bench.key", timeout=120_000
        )
        fired = page.evaluate("() => window.__selectionBoardSynced")
        page.wait_for_function(
            "f => window.__bench.msg > f", arg=fired, polling=50, timeout=120_000
        )
        b = wait_settled(page)
        end = max(b["idle"], b["msg"], b["chart"], b["table"])
        out.append(
            FollowUp(
                fired=(fired - b["key"]) / 1000,
                settled=(end - b["key"]) / 1000,
                own=(end - fired) / 1000,
            )
        )
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its waited-for children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLK_TCK


@dataclass
class Target:
    """One page under test: its server, browser page, slider, CDP session and measures."""

    label: str
    server: StreamlitServer
    context: object
    page: object
    slider: object
    cdp: object
    moves: list[Move] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    runs: bool = True  # a move starts a script run (Streamlit sliders)
    server_cpu: float = 0.0
    browser_cpu: float = 0.0

    def task_seconds(self) -> float:
        metrics = self.cdp.send("Performance.getMetrics")["metrics"]
        return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

    def block(self, count: int) -> None:
        cpu0, task0 = cpu_seconds(self.server.process.pid), self.task_seconds()
        self.moves += timed_moves(self.page, self.slider, count, self.runs)
        self.server_cpu += cpu_seconds(self.server.process.pid) - cpu0
        self.browser_cpu += self.task_seconds() - task0


def open_target(browser, label: str, server: StreamlitServer, app: bool) -> Target:
    context, page = new_page(browser)
    open_app(page, server.url)
    if app:  # the meeting board (ui/meeting_board.js)
        go_to_page(page, "Comparaison")
        page.locator(".sel-board details.sel-weights > summary").click()
        slider = page.locator(".sel-board input[type=range]").first
    else:
        open_expander(page, "Pondérations (simulation")
        slider = page.get_by_test_id("stSlider").first.get_by_role("slider")
    settle_now(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    return Target(label, server, context, page, slider, cdp, runs=not app)


@dataclass
class RerunResult:
    targets: list[Target]
    criteria: dict[str, int]


def bench_rerun(browser, workdir: Path, moves: int) -> RerunResult:
    """The seeded recruitment, the demo and the bare sliders, in interleaved blocks."""
    seeded_db = f"sqlite:///{workdir / 'rerun.db'}"
    criteria = seed_recruitment(seeded_db)
    demo_db = f"sqlite:///{workdir / 'demo.db'}"
    servers = []
    try:
        servers.append(launch_streamlit(ROOT / "app.py", workdir, database_url=seeded_db))
        servers.append(launch_streamlit(ROOT / "app.py", workdir, database_url=demo_db))
        os.environ["BENCH_SLIDERS"] = str(criteria)
        servers.append(launch_streamlit(ROOT / "bench" / "bare_sliders_app.py", workdir))
        targets = [
            open_target(browser, f"Comparaison, {CANDIDATES} candidatures", servers[0], True),
            open_target(browser, "Comparaison, démonstration", servers[1], True),
            open_target(browser, "Curseurs seuls", servers[2], False),
        ]
        demo_criteria = targets[1].page.locator(".sel-board input[type=range]").count()
        for target in targets:
            timed_moves(target.page, target.slider, WARMUP)
        for _ in range(moves // BLOCK):  # interleaved: all see the same machine state
            for target in targets:
                target.block(BLOCK)
        for target in targets[:2]:
            target.follow_ups = timed_follow_ups(target.page, target.slider, FOLLOW_UPS)
        for target in targets:
            target.context.close()
    finally:
        for server in servers:
            server.stop()
    return RerunResult(targets=targets, criteria={"seeded": criteria, "demo": demo_criteria})


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


def import_seconds(modules: str) -> float:
    """Seconds a fresh interpreter takes to import these modules (min of three)."""
    code = f"import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        )
        runs.append(float(out.stdout.strip()))
    return min(runs)


def proc_status(pid: int) -> dict[str, int]:
    """Memory lines of /proc/<pid>/status, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


def memory_of_app(browser, workdir: Path, candidates: int) -> dict[str, int]:
    workdir.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{workdir / 'memory.db'}"
    seed_recruitment(db, candidates)
    server = launch_streamlit(ROOT / "app.py", workdir, database_url=db, timeout_s=300)
    try:
        context, page = new_page(browser)
        open_app(page, server.url)
        go_to_page(page, "Comparaison")
        page.wait_for_selector(CHART_DRAWN, state="visible")
        page.locator(".sel-board details.sel-weights > summary").click()
        settle_now(page)
        slider = page.locator(".sel-board input[type=range]").first
        timed_moves(page, slider, 5, run=False)  # odd: the weights end up moved
        # let go: the server computes the whole meeting for the new weights (the board may have
        # sent them already during the moves); wait until it has used the last ones
        page.get_by_role("heading", name="Classement", exact=True).click()
        page.wait_for_function(
            "() => [...globalThis.__selectionBoards.values()]"
            ".every(s => (s.seq || 0) <= (s.ack || 0))",
            timeout=300_000,
        )
        wait_for_app(page, 300_000)
        context.close()
        return proc_status(server.process.pid)
    finally:
        server.stop()


def memory_of_hello(browser, workdir: Path) -> dict[str, int]:
    workdir.mkdir(parents=True, exist_ok=True)
    server = launch_streamlit(ROOT / "bench" / "hello_chart_app.py", workdir)
    try:
        context, page = new_page(browser)
        page.goto(server.url)
        page.wait_for_selector(CHART_DRAWN, state="visible")
        wait_for_app(page)
        context.close()
        return proc_status(server.process.pid)
    finally:
        server.stop()


FLOOR_CODE = """
import sys
sys.path.insert(0, {root!r})
import streamlit, pandas, numpy, sqlalchemy  # what the server has loaded anyway
import ui.bootstrap, selection.services.meeting, selection.charts.comparison
if {read!r}:
    from selection.services import reading
    from selection.services.access import Config
    from selection.services.app import App
    from selection.storage.store import Store
    app = App(Store.open({url!r}), Config())
    actor = app.actor("Bench")
    rid = reading.recruitments_for(app, actor)[-1].id
    view = reading.view(app, actor, rid)
    view.evidence
for line in open("/proc/self/status"):
    if line.startswith("VmHWM"):
        print(int(line.split()[1]))
"""


def memory_floor(url: str, read: bool) -> int:
    """Peak memory (kB) of a plain Python process that imports the app's modules and, if
    ``read``, reads the recruitment as the page does (services.reading.view and its evidence):
    what the meeting costs before Streamlit draws anything."""
    code = FLOOR_CODE.format(root=str(ROOT), url=url, read=read)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def bench_memory(browser, workdir: Path) -> dict[str, dict[str, int]]:
    out = {"hello": memory_of_hello(browser, workdir / "memory-hello")}
    for n in MEMORY_CANDIDATES:
        out[str(n)] = memory_of_app(browser, workdir / f"memory-{n}", n)
        url = f"sqlite:///{workdir / f'memory-{n}' / 'memory.db'}"
        out[str(n)]["floor_read"] = memory_floor(url, True)
        out[str(n)]["floor_imports"] = memory_floor(url, False)
    return out


# --- report ----------------------------------------------------------------------------------


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
        "Chromium": chromium_version(),
        "Charge (loadavg 1/5/15 min) au début": LOAD["start"],
        "Charge à la fin": LOAD.get("end", "?"),
    }


def chromium_version() -> str:
    out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


def loadavg() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3]).replace(".", ",")


LOAD: dict[str, str] = {}


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def sec(seconds: float) -> str:
    return f"{seconds:.2f} s".replace(".", ",")


def ratio(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def verdict(value: float, goal: float) -> str:
    return "atteint" if value <= goal else "non atteint"


DESIGN = """### Ce qui a changé, et pourquoi

Avant, chaque déplacement d'un curseur relançait tout le fragment de la réunion sur le serveur
(classement, robustesse, manques, évolution, fichiers, quatre graphiques Altair) et **le
navigateur redessinait chaque graphique** : l'avertissement « Simulation… » apparaissait
au-dessus des graphiques et décalait tous les éléments (React les remontait), et les graphiques
du classement et des probabilités portaient l'ordre des noms dans leur spécification, qu'un
échange de places suffisait à changer. Mesuré à la dernière mise à jour d'un graphique : ~8,5 à
10,6 fois la page nue, dont ~0,3 s de calcul serveur et ~0,6 à 1,5 s de travail du navigateur
par déplacement.

1. **Le classement se calcule dans le navigateur.** Les curseurs, le graphique du classement
   et son tableau forment un composant (`ui/meeting_board.js`, `st.components.v2`) qui reçoit
   une fois par exécution complète ce que les poids ne changent pas (moyennes par critère,
   états des critères obligatoires, signaux, étape, statut, niveaux) et refait à chaque
   mouvement le calcul du moteur (`scoring.py` : moyenne pondérée, intervalle, couverture,
   matrice, points validés, règle des égalités à 9 décimales, ordre des noms). Un mouvement ne
   fait **aucun aller-retour** avec le serveur. Ni les paramètres Vega-Lite liés à des
   curseurs (Streamlit ne renvoie au serveur que les sélections, pas les valeurs des
   paramètres : le tableau, la phrase, les fichiers et l'enregistrement ne suivraient pas), ni
   un graphique Vega redessiné (~90 ms de navigateur par mise à jour, mesuré) ne le
   permettaient.
2. **Une seule source de vérité pour les poids** : l'état du composant côté serveur. Le
   composant l'envoie une fois le curseur lâché (600 ms sans mouvement, ou dès que le focus
   quitte le tableau de bord, donc avant tout clic sur « Enregistrer » ou un téléchargement).
   Le serveur vérifie ces poids (un nombre de 0 à 3 par critère du cadrage, à 0,1 près) puis
   calcule tout le reste à partir d'eux : phrase, robustesse, manques, évolution, fichiers,
   enregistrement (avec la base figée au début de la simulation : concurrence optimiste
   inchangée). Le tableau du navigateur et celui du serveur sont le même calcul :
   `tests/unit/test_meeting_board.py` exécute le code du composant (Node) et compare son
   tableau à `display_table` pour des poids tirés au hasard dans les trois vues (égalités,
   critères obligatoires, personne sans note, démonstration, trente personnes) ; les chiffres
   sont arrondis à 9 décimales avant d'être écrits, des deux côtés, pour que l'ordre
   d'addition (produit scalaire de numpy, boucle JavaScript) ne décide jamais d'un 5,45 ;
   `tests/e2e/test_meeting.py` vérifie dans Chromium que l'ordre affiché, la phrase et le CSV
   coïncident.
3. **Le reste suit le relâchement** : robustesse (deux probabilités), bascules, manques,
   évolution et apport par critère sont recalculés par le serveur quand le composant envoie
   les poids, sans jamais retarder le mouvement suivant (qui ne passe pas par le serveur).
4. **Graphiques Vega-Lite stables** pour le reste de la page : gabarits construits une fois
   (dictionnaires, plus d'Altair sur cette page), jeux de données nommés, personnes ordonnées
   par un champ des données, messages qui vont et viennent dans des emplacements `st.empty`,
   rendu sur canevas : une mise à jour remplace des données, jamais un graphique.
5. **Fichiers construits au clic** (`download_button` avec une fonction) à partir des poids
   que le serveur tient à ce moment, en dehors du fragment ; le journal note le téléchargement
   au moment où le fichier est construit. Un clic sur un téléchargement pendant que les
   derniers poids du tableau de bord sont encore en route est retenu par le composant jusqu'à
   ce que le serveur les ait (les envois sont numérotés, le serveur renvoie le numéro utilisé ;
   au plus 3 s). Un test Chromium télécharge les deux sortes de fichiers quatre fois de suite
   après des mouvements de curseur, puis une fois aussitôt après un mouvement.
6. **Ramasse-miettes** : Streamlit lance une collecte complète après chaque exécution (~60 à
   110 ms ici, surtout pour parcourir les objets des bibliothèques). La page gèle une fois les
   objets présents au premier affichage (`ui.widgets.settle_heap`, `gc.freeze`) : les collectes
   suivantes ne parcourent que les objets récents. Autre voie, hors de mes fichiers :
   `runner.postScriptGC = false` dans `.streamlit/config.toml`.
7. **Démarrage à froid** : ce que la première page fait de plus que Bonjour n'est ni les
   importations (plus courtes : la page n'importe plus Altair) ni le calcul (le tableau de bord
   part ~0,2 s après le début de la page), mais le travail du navigateur : monter en même
   temps cinq graphiques Vega-Lite, des grilles de données et le composant retardait le
   premier graphique d'environ 0,6 s. À la première visite de la page dans une session d'un
   navigateur, le serveur n'envoie donc que le premier écran (filtres, phrase, tableau de
   bord) ; le composant signale qu'il est dessiné et le serveur envoie le reste de la page.
   Sans navigateur (tests, scripts), tout part d'un coup.
"""


BEFORE = """### Avant ces changements

Le même banc (chronomètre jusqu'à la dernière mise à jour d'un graphique ou d'un tableau) sur le
code de départ (commit 47e7a59, 2026-11-30, charge 4,0 → 5,3 sur 2 cœurs, 10 déplacements par
page, sans le recalcul de mise en page final) :

| Page | tout à jour : médiane | min | 90e centile | rapport (médianes) | CPU serveur / déplacement | CPU navigateur / déplacement |
|---|---|---|---|---|---|---|
| Comparaison, 30 candidatures | 745 ms | 564 ms | 994 ms | 8,52 | 303 ms | 660 ms |
| Comparaison, démonstration | 734 ms | 396 ms | 1 495 ms | 8,39 | 293 ms | 584 ms |
| Curseurs seuls | 87 ms | 61 ms | 139 ms | 1,00 | 33 ms | 63 ms |

Étapes intermédiaires mesurées en chemin (même banc, charge 3 à 5) : gabarits Vega-Lite fixes,
emplacements stables et fichiers au clic, tout recalculé par le serveur à chaque déplacement :
rapport 2,1 à 3,3 (CPU navigateur ~250 ms par déplacement, dont ~90 ms pour redessiner un seul
graphique Vega-Lite de 30 barres empilées même sur canevas, et ~60 ms pour le reste du fragment
rendu par React) ; c'est ce plancher qui a conduit à calculer le classement dans le navigateur.
"""


def rerun_section(result: RerunResult) -> list[str]:
    bare = result.targets[-1]
    bare_med = statistics.median(m.settled for m in bare.moves)
    bare_min = min(m.settled for m in bare.moves)
    lines = [
        f"### Déplacement d'un curseur de pondération ({CANDIDATES} candidatures × "
        f"{result.criteria['seeded']} critères × {len(INTERVIEWERS)} évaluateurs × 5 étapes ; "
        f"démonstration : {result.criteria['demo']} critères)",
        "",
        f"{len(bare.moves)} déplacements mesurés par page après {WARMUP} d'échauffement, en "
        f"blocs de {BLOCK} alternés entre les trois pages. Chronomètre : de l'appui sur la "
        "touche à **la mise en page qui suit la dernière mise à jour d'un graphique ou d'un "
        "tableau** (mutation du DOM dans un graphique Vega-Lite, une grille de données ou le "
        "graphique et le tableau du tableau de bord des pondérations, ou dessin sur leur "
        "canevas ; dans la tâche suivante, la page recalcule styles et mise en page, puis on "
        "note l'heure), ou qui suit la fin de l'exécution si elle est plus tardive ; la mesure "
        f"s'arrête après {QUIET_MS} ms sans aucune mise à jour. Chromium sans écran ne dessine "
        "les images qu'à la demande : l'affichage lui-même n'est pas chronométré, pour aucune "
        "page. « Classement à jour » : dernière mise à jour du graphique du classement et de "
        "son tableau.",
        "",
        "| Page | tout à jour : médiane | min | 90e centile | classement à jour : médiane "
        "| rapport (médianes) | rapport (min) | CPU serveur / déplacement | CPU navigateur / "
        "déplacement |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in result.targets:
        settled = [m.settled for m in t.moves]
        ranking = [m.ranking for m in t.moves if m.ranking is not None]
        med = statistics.median(settled)
        lines.append(
            f"| {t.label} | {ms(med)} | {ms(min(settled))} | {ms(p90(settled))} | "
            f"{ms(statistics.median(ranking)) if ranking else '—'} | {ratio(med / bare_med)} | "
            f"{ratio(min(settled) / bare_min)} | {ms(t.server_cpu / len(t.moves))} | "
            f"{ms(t.browser_cpu / len(t.moves))} |"
        )
    lines += [
        "",
        "Déplacements pendant lesquels la suite (solidité, manques, évolution) a été redessinée : "
        + ", ".join(
            f"{t.label} {sum(m.follow_up for m in t.moves)} sur {len(t.moves)}"
            for t in result.targets[:2]
        )
        + ".",
        "",
        f"**Après le dernier mouvement** ({FOLLOW_UPS} fois par page) : le tableau de bord "
        "envoie les poids au serveur une fois le curseur lâché (pause de 600 ms ou perte du "
        "focus), qui recalcule la phrase, la solidité, les manques et l'évolution.",
        "",
        "| Page | envoi des poids après la touche (médiane) | tout à jour après la touche : "
        "médiane "
        "| min | la suite seule : médiane | min |",
        "|---|---|---|---|---|---|",
    ]
    for t in result.targets[:2]:
        f = t.follow_ups
        lines.append(
            f"| {t.label} | {ms(statistics.median(x.fired for x in f))} | "
            f"{ms(statistics.median(x.settled for x in f))} | {ms(min(x.settled for x in f))} | "
            f"{ms(statistics.median(x.own for x in f))} | {ms(min(x.own for x in f))} |"
        )
    seeded = statistics.median(m.settled for m in result.targets[0].moves) / bare_med
    demo = statistics.median(m.settled for m in result.targets[1].moves) / bare_med
    lines += [
        "",
        f"**Rapport des médianes : {ratio(seeded)} ({CANDIDATES} candidatures), {ratio(demo)} "
        f"(démonstration)** — objectif ≤ 1,5 : {verdict(max(seeded, demo), 1.5)} ; "
        f"objectif ambitieux ≤ 1,0 : {verdict(max(seeded, demo), 1.0)}.",
        "",
    ]
    return lines


def markdown(rerun_result, cold, memory, imports, info: dict) -> str:
    lines = [
        SECTION,
        "",
        f"Mesuré le {time.strftime('%Y-%m-%d')} par `bench/bench_pages.py` (Chromium piloté par "
        "Playwright ; chaque figure est comparée à une application Streamlit minimale mesurée "
        "dans la même exécution, en alternance). Relancer : `.venv/bin/python "
        "bench/bench_pages.py --write-docs`.",
        "",
        "| Machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in info.items()),
        "",
        DESIGN,
    ]
    if rerun_result is not None:
        lines += rerun_section(rerun_result)
        lines += [BEFORE]
    if cold is not None:
        app_cold, hello_cold = cold
        app_chart = statistics.median(c.first_chart for c in app_cold)
        hello_chart = statistics.median(c.first_chart for c in hello_cold)
        lines += [
            "### Démarrage à froid jusqu'au premier graphique dessiné",
            "",
            f"{COLD_RUNS} démarrages de chaque, en alternance : lancement du processus "
            "`streamlit run`, réponse de `/_stcore/health`, puis ouverture de la page dans un "
            "nouveau contexte Chromium jusqu'au premier graphique visible : un `canvas` ou un "
            "`svg` dans un graphique Vega-Lite (Bonjour), ou la première ligne du graphique du "
            "classement du tableau de bord (l'application : c'est le premier graphique de la "
            "page). L'application part d'une base neuve (la démonstration se charge) et "
            "s'ouvre sur `/comparaison`.",
            "",
            "| Application | serveur prêt (médiane) | premier graphique : médiane | min |",
            "|---|---|---|---|",
            f"| Sélection, `/comparaison` | "
            f"{sec(statistics.median(c.server_ready for c in app_cold))} | {sec(app_chart)} | "
            f"{sec(min(c.first_chart for c in app_cold))} |",
            "| Bonjour + un graphique Altair (`bench/hello_chart_app.py`) | "
            f"{sec(statistics.median(c.server_ready for c in hello_cold))} | "
            f"{sec(hello_chart)} | {sec(min(c.first_chart for c in hello_cold))} |",
            "",
            f"**Rapport des médianes : {ratio(app_chart / hello_chart)}** (objectif ≤ 1,3 : "
            f"{verdict(app_chart / hello_chart, 1.3)}).",
            "",
        ]
        if imports:
            lines += [
                "Importations dans un interpréteur neuf (minimum de trois) : "
                + " ; ".join(f"{label} {sec(value)}" for label, value in imports.items())
                + ".",
                "",
            ]
    if memory is not None:
        hello = memory["hello"]["VmHWM"]
        lines += [
            "### Mémoire du serveur",
            "",
            "Pic de mémoire résidente (`VmHWM` de `/proc/<pid>/status`) du processus "
            "`streamlit run` : pour l'application, une fois la comparaison dessinée, un curseur "
            "déplacé cinq fois puis lâché (le serveur recalcule toute la réunion) ; pour "
            "Bonjour, une fois son graphique dessiné.",
            "",
            "| Serveur | pic | résident à la fin | rapport à Bonjour |",
            "|---|---|---|---|",
            f"| Bonjour + un graphique | {hello / 1024:.0f} Mio | "
            f"{memory['hello']['VmRSS'] / 1024:.0f} Mio | 1,00 |",
        ]
        worst = 0.0
        for n in MEMORY_CANDIDATES:
            m = memory[str(n)]
            worst = max(worst, m["VmHWM"] / hello)
            lines.append(
                f"| Comparaison, {n} candidatures | {m['VmHWM'] / 1024:.0f} Mio | "
                f"{m['VmRSS'] / 1024:.0f} Mio | {ratio(m['VmHWM'] / hello)} |"
            )
        lines += [
            "",
            f"Objectif ≤ 1,3 : {verdict(worst, 1.3)}.",
            "",
            "Plancher, hors Streamlit : un processus Python qui importe les modules de "
            "l'application, puis lit le recrutement comme la page le fait "
            "(`services.reading.view` et ses preuves), sans rien dessiner.",
            "",
            "| Candidatures | importations seules | importations + lecture du recrutement | "
            "lecture seule |",
            "|---|---|---|---|",
        ]
        for n in MEMORY_CANDIDATES:
            m = memory[str(n)]
            lines.append(
                f"| {n} | {m['floor_imports'] / 1024:.0f} Mio | {m['floor_read'] / 1024:.0f} Mio "
                f"| {(m['floor_read'] - m['floor_imports']) / 1024:.0f} Mio |"
            )
        big = memory[str(MEMORY_CANDIDATES[-1])]
        lines += [
            "",
            f"**Ce qui empêche l'objectif à {MEMORY_CANDIDATES[-1]} candidatures :** importer les "
            "modules et lire le recrutement comme le fait `services.reading.view` occupe déjà "
            f"{big['floor_read'] / 1024:.0f} Mio, soit {ratio(big['floor_read'] / hello)} fois "
            "Bonjour, avant que Streamlit ne dessine quoi que ce soit ; la page elle-même ajoute "
            f"{(big['VmHWM'] - big['floor_read']) / 1024:.0f} Mio (session Streamlit, données du "
            "tableau de bord, graphiques et tableaux de la réunion). La lecture est déjà "
            "resserrée : les lignes sont lues une à une (jamais toutes à la fois), chaque "
            "identifiant de personne, de critère, d'étape, d'évaluateur et chaque horodatage "
            "n'existe qu'une fois en mémoire, une évaluation est un objet à `__slots__`, et les "
            "preuves se construisent sans liste Python par note (2,43 fois Bonjour avant ces "
            "changements, 3,32 avant que la page ne relise le recrutement qu'après une "
            "écriture ; mesurés le 2026-11-30). Ce qui reste est la limite de la conception : "
            "chaque évaluation est un objet Python qui garde son identifiant et sa preuve "
            "écrite (150 000 objets, ~45 Mio retenus, davantage avec de vraies preuves de "
            "plusieurs phrases), plus ~20 Mio de colonnes le temps de construire les preuves. "
            "Atteindre 1,3 demande une lecture en colonnes pour la réunion, qui ne charge ni "
            "les textes ni les identifiants des notes (ils ne servent qu'à l'écran d'une "
            "personne) et remplit directement les tableaux de preuves.",
            "",
        ]
    return "\n".join(lines)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-docs", action="store_true", help="update docs/performance.md")
    parser.add_argument(
        "--only", choices=("rerun", "cold", "memory"), action="append", help="run only these"
    )
    parser.add_argument("--moves", type=int, default=MOVES, help="timed moves per page")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing")
    parts = set(args.only or ("rerun", "cold", "memory"))
    LOAD["start"] = loadavg()
    from playwright.sync_api import sync_playwright

    rerun_result = cold = memory = None
    imports: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp, sync_playwright() as pw:
        workdir = Path(tmp)
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=BENCH_ARGS)
        if "rerun" in parts:
            rerun_result = bench_rerun(browser, workdir, args.moves)
            print("\n".join(rerun_section(rerun_result)), flush=True)  # kept if a later part fails
        if "cold" in parts:
            cold = bench_cold_starts(browser, workdir)
            imports = {
                "Bonjour (streamlit, pandas, altair)": import_seconds("streamlit, pandas, altair"),
                "application (ui.bootstrap et la page de comparaison)": import_seconds(
                    "streamlit, ui.bootstrap, selection.services.meeting, "
                    "selection.charts.comparison"
                ),
            }
        if "memory" in parts:
            memory = bench_memory(browser, workdir)
        browser.close()
    LOAD["end"] = loadavg()
    section = markdown(rerun_result, cold, memory, imports, machine())
    print(section)
    if args.write_docs:
        write_docs(section)
        print(f"written to {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
