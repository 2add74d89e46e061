"""Home: what the app is for, and where each recruitment stands."""

from __future__ import annotations

import streamlit as st

from selection.analysis.overview import recruitment_overview
from selection.services.demo import load_demo
from ui.bootstrap import page_path, select_recruitment, start_page

ctx = start_page("Sélection d'un nouveau membre d'équipe", needs_recruitment=False)

st.markdown(
    "De la fiche de cadrage à la décision finale : des critères pondérés, cinq étapes "
    "d'entretien, des notes appuyées sur des preuves, et une comparaison honnête sur ce qui est "
    "su et ce qui reste à vérifier."
)

recruitments = ctx.store.list_recruitments(ctx.email)
if not recruitments:
    st.info(
        "Aucun recrutement pour l'instant. Créez le vôtre dans **Cadrage**, ou chargez la "
        "démonstration pour découvrir l'outil."
    )

for rec in reversed(recruitments):
    overview = recruitment_overview(ctx.store.snapshot(rec.id))
    with st.container(border=True):
        st.markdown(f"## {rec.title}")
        st.caption(
            f"{rec.team or 'Équipe non précisée'} · responsable : {rec.owner or 'à désigner'}"
        )
        cols = st.columns(4)
        cols[0].metric("Candidatures", overview.candidates)
        cols[1].metric("En cours", overview.active)
        cols[2].metric("Critères", overview.criteria)
        cols[3].metric("Notes soumises", overview.ratings)
        if overview.next_actions:
            st.markdown("**Prochaines actions**")
            for action in overview.next_actions:
                st.markdown(f"- {action}")
        if st.button("Ouvrir la comparaison", key=f"open_{rec.id}"):
            st.session_state["_go_compare"] = True
            select_recruitment(rec.id)

if st.session_state.pop("_go_compare", False):
    st.switch_page(page_path("comparaison.py"))

with st.expander("Démonstration"):
    st.write(
        "Un recrutement fictif de développeur·se fullstack : six personnes à différentes étapes, "
        "trois évaluateurs, des notes manquantes et un désaccord."
    )
    if st.button("Charger la démonstration"):
        select_recruitment(load_demo(ctx.store, owner_email=ctx.email))
