"""Streamlit pieces shared by several pages (one place, not copied between pages)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.errors import StreamlitAPIException

from selection.domain import labels
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
        args = tuple(_read(a) for a in args)
        kwargs = {name: _read(value) for name, value in kwargs.items()}
        return True, call(*args, **kwargs)
    except Conflict as err:
        box.error(str(err), icon=":material/sync_problem:")
        if reload is not None:
            # Inside a form no button but its own can be drawn: the page offers the reload
            # beside the form there (e.g. Cadrage's « Recharger le cadrage »).
            with contextlib.suppress(StreamlitAPIException):
                box.button(
                    "Recharger la dernière version (ma saisie sera perdue)",
                    on_click=reload,
                    key=f"reload_{id(call)}_{call.__name__}",
                )
    except UserError as err:
        box.error(str(err))
    return False, None


def _read(value: Any) -> Any:
    """A value typed in French (``TypedDate``) is read, and may be refused, inside ``attempt``."""
    return value.value() if isinstance(value, TypedDate) else value


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
    # object dtype even with no row: an empty float column could not be edited as a list
    return frame.drop(columns=columns).assign(
        **{name: pd.Series(ticked, index=frame.index, dtype=object)}
    )


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


# --- French input where Streamlit's own widgets speak English (docs/accessibility.md) ---------

# The placeholder of a select or multiselect (Streamlit's own is « Choose an option »).
CHOOSE = "Choisir"

# A text field outside a form that commits after this pause instead of waiting for Enter: no
# « Press Enter to apply » hint (English, with no French version) under the field.
LIVE_TYPING = "0.6s"

DATE_FORMAT = "JJ/MM/AAAA"
_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def date_text(value: date | None) -> str:
    """A date as a French field shows it: 05/01/2027 (empty when there is none)."""
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(typed: str, label: str) -> date | None:
    """A date typed as JJ/MM/AAAA (also with « . », « - » or a space; or AAAA-MM-JJ); empty
    means no date. Anything else is refused with a French sentence naming the field."""
    if not (typed or "").strip():
        return None
    found = _DATE.match(typed)
    if found:
        day, month, year = (int(x) for x in found.groups())
    elif found := _ISO_DATE.match(typed):
        year, month, day = (int(x) for x in found.groups())
    else:
        raise UserError(
            f"« {label} » : écrivez la date au format {DATE_FORMAT}, par exemple 15/01/2027 "
            "(vous avez écrit « " + md(typed.strip()[:40]) + " »). Rien n'a été modifié."
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError(
            f"« {label} » : le {day:02d}/{month:02d}/{year} n'existe pas. Rien n'a été modifié."
        ) from None


@dataclass(frozen=True)
class TypedDate:
    """What was typed in a French date field; ``attempt`` reads it (or refuses it, in French)
    when it is passed to a service call."""

    typed: str
    label: str

    def value(self) -> date | None:
        return parse_date(self.typed, self.label)


def date_field(
    label: str,
    value: date | None,
    *,
    where: DeltaGenerator | None = None,
    key: str | None = None,
    disabled: bool = False,
) -> TypedDate:
    """A date typed in French (JJ/MM/AAAA) in a text field: Streamlit's date picker shows
    « dd/mm/yyyy » and reads « Choose date », « day », « month », « year » to screen readers,
    in English whatever the browser's language. Pass the result to ``attempt``."""
    typed = (where or st).text_input(
        label,
        value=date_text(value),
        placeholder=DATE_FORMAT,
        max_chars=10,
        key=key,
        disabled=disabled,
    )
    return TypedDate(typed, label)


def decimal_fr(value: float, unit: str = "") -> str:
    """2.5 → « 2,5 » (French decimal comma), 2.0 → « 2 »; with a unit: « 2,5 j »."""
    return f"{labels.fr_trimmed(value, 2)} {unit}".strip()


def steps(low: float, high: float, step: float, keep: float | None = None) -> list[float]:
    """The values of a French slider, low to high by step (rounded to avoid 0.30000000000000004),
    with ``keep`` added when it falls between two steps (a stored value shown as it is)."""
    count = round((high - low) / step)
    values = [round(low + i * step, 6) for i in range(count + 1)]
    if keep is not None and low <= keep <= high and round(keep, 6) not in values:
        values = sorted([*values, round(keep, 6)])
    return values


TABLE_HEADER_HEIGHT = 38  # px: a data grid's header row and borders


def table_height(rows: int, row_height: int, max_rows: int = 12) -> int:
    """Height of a grid showing every row (up to ``max_rows``, then it scrolls inside): grids
    with rows taller than one line are otherwise cut after a few rows."""
    return TABLE_HEADER_HEIGHT + row_height * min(max(rows, 1), max_rows)


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
