"""Streamlit pieces shared by several pages (one place, not copied between pages)."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.analysis.scoring import Comparison
from selection.documents.exports import (
    CSV_DIALECTS,
    comparison_frame,
    csv_filename,
    export_filename,
    to_csv,
)
from selection.documents.reports import decision_record, render_html, render_markdown
from selection.domain.model import RecruitmentSnapshot, ValidationError


def show_chart(chart: alt.TopLevelMixin, container: DeltaGenerator | None = None) -> None:
    """Draw an Altair chart without re-validating its spec on every rerun: the builders'
    specs are validated by the unit tests, and validation costs more than drawing here."""
    (container or st).vega_lite_chart(spec=chart.to_dict(validate=False), width="stretch")


def form_key(name: str) -> str:
    """A form key that changes after a successful save, so the form empties only then: refused
    input stays on screen to be corrected instead of being lost."""
    return f"{name}_{st.session_state.get(f'_form_version_{name}', 0)}"


def reset_form(name: str) -> None:
    key = f"_form_version_{name}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def csv_downloads(
    comparison: Comparison, status: pd.DataFrame, title: str, extra: pd.DataFrame | None = None
) -> None:
    """The two CSV dialects of the comparison, side by side. Built eagerly: deferred (callable)
    data inside the meeting fragment sometimes never reached the browser after a slider move."""
    frame = comparison_frame(comparison, status, extra)
    cols = st.columns(len(CSV_DIALECTS))
    for col, (code, spec) in zip(cols, CSV_DIALECTS.items(), strict=True):
        col.download_button(
            f"Télécharger le CSV — {spec.label}",
            data=to_csv(frame, code),
            file_name=csv_filename(title, "comparaison", code, date.today()),
            mime="text/csv",
            help=spec.help,
            key=f"csv_{code}",
        )


def decision_record_downloads(
    snapshot: RecruitmentSnapshot,
    comparison: Comparison,
    robustness: str,
    open_gaps: list[str],
    user: str,
) -> None:
    """The decision record kept with the procurement file, as Markdown and printable HTML."""
    record = decision_record(
        snapshot, comparison, robustness=robustness, open_gaps=open_gaps, decided_by=user or ""
    )
    title = snapshot.recruitment.title
    left, right = st.columns(2)
    left.download_button(
        "Télécharger le relevé de décision (Markdown)",
        render_markdown(record),
        file_name=export_filename(title, "releve-de-decision", "md", date.today()),
        mime="text/markdown",
    )
    right.download_button(
        "Télécharger le relevé de décision à imprimer (HTML)",
        render_html(record),
        file_name=export_filename(title, "releve-de-decision", "html", date.today()),
        mime="text/html",
    )


def members_section(ctx, recruitment) -> None:
    """Who can see this recruitment (login on). Only a « responsable » adds or removes people."""
    st.markdown("**Membres du recrutement**")
    members = ctx.store.list_members(recruitment.id)
    st.dataframe(
        pd.DataFrame(
            [
                {"Adresse": m["email"], "Rôle": m["role"], "Ajouté par": m["added_by"]}
                for m in members
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if ctx.store.member_role(recruitment.id, ctx.email) != "responsable":
        st.caption("Seule une personne responsable du recrutement gère ses membres.")
        return
    with st.form("add_member", clear_on_submit=True):
        email = st.text_input("Adresse électronique du nouveau membre")
        role = st.radio("Rôle", ["membre", "responsable"], horizontal=True)
        if st.form_submit_button("Ajouter le membre"):
            try:
                ctx.store.add_member(recruitment.id, email, role, ctx.user)
            except ValidationError as err:
                st.error(str(err))
            else:
                st.rerun()
    others = [m["email"] for m in members if m["email"] != ctx.email]
    if others:
        gone = st.selectbox("Retirer un membre", others, key="remove_member")
        if st.button("Retirer ce membre"):
            ctx.store.remove_member(recruitment.id, gone, ctx.user)
            st.rerun()
