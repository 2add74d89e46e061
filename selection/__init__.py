"""Domain of the selection dashboard: no Streamlit here, only rules, storage and chart builders."""
