"""Altair chart builders (no Streamlit). Each builder returns a chart; pages show it with its
data table beside it."""
