"""The floors of ``selection/`` (README, « Organisation du code »), checked on the source:
each floor imports only the floors below it, ``selection/`` never imports Streamlit, the pages
and the shared widgets read and write only through the services, and no module imports itself
back through a circle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SELECTION = ROOT / "selection"

# floor → floors it may import (its own included)
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "analysis": {"domain", "analysis"},
    "storage": {"domain", "storage"},
    "charts": {"domain", "analysis", "charts"},
    "documents": {"domain", "analysis", "documents"},
    "services": {"domain", "analysis", "storage", "charts", "documents", "services"},
}
# What a page or a shared widget may import from selection/: services, charts and labels.
SCREEN_ALLOWED = ("selection.services", "selection.charts", "selection.domain.labels")


def _modules() -> dict[str, Path]:
    out = {}
    for path in SELECTION.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (functions included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _screen_imports(path: Path) -> set[str]:
    """What a screen takes from each import: ``from selection.domain import labels`` takes
    ``selection.domain.labels``, ``from selection.services.access import Action`` takes
    ``selection.services.access``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
    return found


MODULES = _modules()


def _floor(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "selection" else None


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _floor(m)))
def test_each_floor_imports_only_the_floors_below(module: str) -> None:
    floor = _floor(module)
    assert floor in ALLOWED, f"{module}: unknown floor « {floor} » (add it to the README)"
    wrong = sorted(
        name
        for name in _imports(MODULES[module])
        if name.startswith("selection.") and _floor(name) not in ALLOWED[floor]
    )
    assert not wrong, f"{module} ({floor}) imports {wrong}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_selection_never_imports_streamlit(module: str) -> None:
    assert not any(
        n == "streamlit" or n.startswith("streamlit.") for n in _imports(MODULES[module])
    )


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_screens_go_through_the_services(path: Path) -> None:
    wrong = sorted(
        name
        for name in _screen_imports(path)
        if name.startswith("selection") and not name.startswith(SCREEN_ALLOWED)
    )
    assert not wrong, f"{path.name} imports {wrong}: go through selection.services"


def test_no_import_circle() -> None:
    graph = {
        m: {
            target
            for name in _imports(p)
            for target in (name, name.rpartition(".")[0])
            if target in MODULES and target != m and MODULES[target].name != "__init__.py"
        }
        for m, p in MODULES.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_the_readme_prints_the_permission_table_written_in_the_code() -> None:
    from selection.domain.permissions import markdown_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme


def test_the_readme_explains_every_figure_as_the_app_does() -> None:
    from selection.services.meeting import FIGURE_HELP

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [key for key, sentence in FIGURE_HELP.items() if f"- {sentence}" not in readme]
    assert not missing, missing
