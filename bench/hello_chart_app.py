"""Baseline for bench_pages.py: the smallest Streamlit app that draws one Altair chart."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

st.title("Bonjour")
data = pd.DataFrame({"candidat": ["A", "B", "C"], "score": [0.4, 0.7, 0.55]})
st.altair_chart(alt.Chart(data).mark_bar().encode(x="score:Q", y="candidat:N"))
