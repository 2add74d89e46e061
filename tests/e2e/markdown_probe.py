"""A tiny Streamlit page for the browser test of escaping (test_markdown_escaping.py): every
document type filled with hostile text, shown with ``st.markdown``, and hostile text passed
through ``escape_markdown`` to ``st.info``, ``st.warning`` and an inline ``st.markdown``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from selection.documents.document import escape_markdown, render_markdown  # noqa: E402
from tests.unit.hostile import LINE, NAME, NOTE, hostile_documents  # noqa: E402

st.set_page_config(page_title="Sonde Markdown")
for item in hostile_documents():
    with st.container(key=f"doc-{item.name}"):
        st.markdown(render_markdown(item.document))
with st.container(key="info"):
    st.info(escape_markdown(NOTE))
with st.container(key="warning"):
    st.warning(escape_markdown(LINE))
with st.container(key="inline"):
    st.markdown("**Nom :** " + escape_markdown(NAME))
st.caption("Fin de la sonde.")
