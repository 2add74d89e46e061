"""Interview kits: for each stage, what to ask and how to rate, built from the brief."""

from __future__ import annotations

import streamlit as st

from selection.documents.kits import build_kit, kit_filename, kit_html, kit_markdown
from selection.domain.stages import STAGE_BY_CODE, STAGES
from selection.services.brief import preset_key_for
from ui.bootstrap import start_page

ctx = start_page("Kits d'entretien")
recruitment = ctx.recruitment
criteria = ctx.store.list_criteria(recruitment.id)

if not criteria:
    st.info("Le cadrage n'a pas encore de critère : les kits se construisent à partir de lui.")
    st.stop()

stage = (
    st.segmented_control(
        "Étape",
        [s.code for s in STAGES],
        default=STAGES[0].code,
        format_func=lambda code: STAGE_BY_CODE[code].label,
        key="kit_stage",
    )
    or STAGES[0].code
)
kit = build_kit(recruitment, criteria, stage, preset_key=preset_key_for(recruitment.role))
markdown = kit_markdown(kit)

left, right = st.columns(2)
left.download_button(
    "Télécharger le kit (Markdown)",
    markdown,
    file_name=kit_filename(recruitment, stage, "md"),
    mime="text/markdown",
)
right.download_button(
    "Télécharger le kit à imprimer (HTML)",
    kit_html(kit),
    file_name=kit_filename(recruitment, stage, "html"),
    mime="text/html",
)
with st.container(border=True):
    st.markdown(markdown)
