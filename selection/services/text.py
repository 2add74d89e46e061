"""User text on screen: one escaping path for every page (the documents' own)."""

from __future__ import annotations

from selection.documents.document import escape_markdown


def md(text: object) -> str:
    """Inline user text made inert for Markdown (``st.markdown``, ``st.info``…): never a link,
    an image or HTML, and the characters stay visible."""
    return escape_markdown(text)
