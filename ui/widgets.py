"""Streamlit pieces shared by several pages (one place, not copied between pages)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.services.access import Conflict
from selection.services.errors import UserError
from selection.services.text import md

if TYPE_CHECKING:  # charts may be Altair objects; importing Altair costs a cold start ~0.2 s
    import altair as alt


def show_chart(chart: alt.TopLevelMixin | dict, container: DeltaGenerator | None = None) -> None:
    """Draw a chart without re-validating its spec on every rerun: the builders' specs are
    validated by the unit tests, and validation costs more than drawing here."""
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    (container or st).vega_lite_chart(spec=spec, width="stretch")


def form_key(name: str) -> str:
    """A form key that changes after a successful save, so the form empties only then: refused
    input stays on screen to be corrected instead of being lost."""
    return f"{name}_{st.session_state.get(f'_form_version_{name}', 0)}"


def reset_form(name: str) -> None:
    key = f"_form_version_{name}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def attempt(
    call: Callable[..., Any],
    *args: Any,
    reload: Callable[[], None] | None = None,
    where: DeltaGenerator | None = None,
    **kwargs: Any,
) -> tuple[bool, Any]:
    """Run a service call; a refusal or bad input becomes a French message on screen (nothing was
    changed, the person's input stays). A save from a stale version also offers to reload."""
    box = where or st
    try:
        return True, call(*args, **kwargs)
    except Conflict as err:
        box.error(str(err), icon=":material/sync_problem:")
        if reload is not None:
            box.button(
                "Recharger la dernière version (ma saisie sera perdue)",
                on_click=reload,
                key=f"reload_{id(call)}_{call.__name__}",
            )
    except UserError as err:
        box.error(str(err))
    return False, None


def text(value: object) -> str:
    """User text to put inside Markdown: never a link, an image or HTML."""
    return md(value)


def toast_after_rerun(message: str) -> None:
    """A toast shown on the next run (a toast right before ``st.rerun()`` may not show)."""
    st.session_state["_toast"] = message


def pending_toast() -> None:
    message = st.session_state.pop("_toast", None)
    if message:
        st.toast(message)


def frozen(name: str, current: Any) -> tuple[int, Any]:
    """What an editor or a form started from, kept for the whole edit (snapshot in, storage out):
    a save then says which version the person changed, and a refused save keeps their input.
    ``reloader(name)`` starts a new version from the current data."""
    version = st.session_state.setdefault(f"_{name}_version", 0)
    key = f"_{name}_base_{version}"
    if key not in st.session_state:
        st.session_state[key] = current
    return version, st.session_state[key]


def reloader(name: str) -> Callable[[], None]:
    def bump() -> None:
        version = st.session_state.get(f"_{name}_version", 0)
        st.session_state.pop(f"_{name}_base_{version}", None)
        st.session_state[f"_{name}_version"] = version + 1

    return bump


_heap_settled = False


def settle_heap() -> None:
    """Move every object alive now (modules, libraries, the app's own objects) out of the
    garbage collector's reach, once per process. Streamlit runs a full collection after every
    script run — every slider move — and most of its cost is walking these long-lived
    objects (about 60 ms here); newer objects are still collected as before."""
    global _heap_settled
    if not _heap_settled:
        import gc

        gc.collect()
        gc.freeze()
        _heap_settled = True


# --- the decision meeting's weight board ----------------------------------------------------

_UI_DIR = Path(__file__).resolve().parent
_meeting_board_component: Any = None


def meeting_board(
    data: dict[str, Any],
    *,
    key: str,
    on_change: Callable[[], None] | None = None,
    on_drawn: Callable[[], None] | None = None,
) -> Any:
    """The weight sliders, ranking chart and ranking table of the decision meeting, redrawn in
    the browser on every slider input (ui/meeting_board.js). ``data``: built by
    ``services.meeting.board_data``. Returns the component's result: ``.weights`` (the weights
    on screen once the sliders are let go, None until then) and ``.save`` (set on the run
    where « Enregistrer » was clicked, with the weights to save, as JSON). ``on_change`` runs
    first thing in the run the new weights start (a widget callback); ``on_drawn`` once the
    browser has drawn the board, when ``data["announceDrawn"]`` asks for it."""
    global _meeting_board_component
    if _meeting_board_component is None:
        _meeting_board_component = st.components.v2.component(
            "selection_meeting_board",
            html='<div class="sel-board"></div>',
            css=(_UI_DIR / "meeting_board.css").read_text(encoding="utf-8"),
            js=(_UI_DIR / "meeting_board.js").read_text(encoding="utf-8"),
            isolate_styles=False,
        )
    return _meeting_board_component(
        key=key,
        data=data,
        default={"weights": None},
        on_weights_change=on_change or _noop,
        on_save_change=_noop,
        on_drawn_change=on_drawn or _noop,
    )


def _noop() -> None:
    """A callback that does nothing: the rerun the component asks for is the point."""
