"""User text on screen: one escaping path for every page (the documents' own)."""

from __future__ import annotations

from selection.documents.reports import _md_escape


def md(text: object) -> str:
    """Inline user text made inert for Markdown (``st.markdown``, ``st.info``…)."""
    return _md_escape(" ".join(str(text or "").split()))
