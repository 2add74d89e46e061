"""Streamlit pieces shared by several pages (one place, not copied between pages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.services.access import Conflict
from selection.services.errors import UserError
from selection.services.text import md


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


def ticks_to_list(frame: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    """Tick-box columns shown as one list column ``name`` (the ticked columns' names, in
    order): a narrower grid. ``list_to_ticks`` turns an edited grid back."""
    ticked = [[c for c in columns if bool(row[c])] for _, row in frame[columns].iterrows()]
    return frame.drop(columns=columns).assign(**{name: ticked})


def list_to_ticks(frame: pd.DataFrame, columns: list[str], name: str) -> pd.DataFrame:
    """The tick-box columns back from the list column (an empty cell of a new row: none)."""
    chosen = frame[name].map(_as_set)
    return frame.drop(columns=[name]).assign(
        **{column: chosen.map(lambda values, c=column: c in values) for column in columns}
    )


def _as_set(value: object) -> set:
    if hasattr(value, "tolist"):  # an array, as the grid may hand a list back
        value = value.tolist()
    return set(value) if isinstance(value, list | tuple | set) else set()  # None, NaN: none
