"""Interview kits: for each stage, what to ask and how to rate, built from the brief."""

from __future__ import annotations

import streamlit as st

from selection.services import catalogue, kits
from ui.bootstrap import start_page

ctx = start_page("Kits d'entretien")
view = ctx.view

if not view.snapshot.criteria:
    st.info("Le cadrage n'a pas encore de critère : les kits se construisent à partir de lui.")
    st.stop()

stage = (
    st.segmented_control(
        "Étape",
        list(catalogue.STAGE_CODES),
        default=catalogue.STAGE_CODES[0],
        format_func=catalogue.stage_label,
        key="kit_stage",
    )
    or catalogue.STAGE_CODES[0]
)
kit = kits.kit(view, stage)
for col, (label, content, name, mime) in zip(
    st.columns(2), kits.files(view, kit, stage), strict=True
):
    col.download_button(label, content, file_name=name, mime=mime)
with st.container(border=True):
    st.markdown(kits.markdown(kit), anchors=False)
