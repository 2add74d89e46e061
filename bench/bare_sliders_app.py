"""Baseline for bench_pages.py: the comparison page's weight sliders and nothing else.

Same widgets as the decision meeting's what-if panel — one slider per criterion in three
columns, inside an expander, inside a fragment — but no data, no computation, no chart.
Run by the benchmark as ``streamlit run bench/bare_sliders_app.py`` (env BENCH_SLIDERS = count).
"""

from __future__ import annotations

import os

import streamlit as st

SLIDERS = int(os.environ.get("BENCH_SLIDERS", "10"))

st.title("Curseurs seuls")


@st.fragment
def sliders() -> None:
    with st.expander("Pondérations (simulation pour la réunion)", expanded=False):
        cols = st.columns(3)
        weights = [
            cols[i % 3].slider(f"Critère {i + 1}", 0.0, 3.0, 2.0, 0.1, key=f"w_{i}")
            for i in range(SLIDERS)
        ]
    st.caption(f"Somme des poids : {sum(weights):.1f}")


sliders()
