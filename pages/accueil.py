"""Home: what the app is for, and where each recruitment stands."""

from __future__ import annotations

import streamlit as st

from selection.services import home, recruitments
from ui.bootstrap import page_path, select_recruitment, start_page
from ui.widgets import attempt, text

ctx = start_page("Sélection d'un nouveau membre d'équipe", needs_recruitment=False)

st.markdown(
    "De la fiche de cadrage à la décision finale : des critères pondérés, cinq étapes "
    "d'entretien, des notes appuyées sur des preuves, et une comparaison honnête sur ce qui est "
    "su et ce qui reste à vérifier."
)

summaries = home.summaries(ctx.app, ctx.actor)
if summaries and not ctx.actor.signed:
    st.caption("Indiquez votre nom dans la barre latérale : l'accueil dira ce que vous devez.")
if not summaries:
    st.info(
        "Aucun recrutement pour l'instant. Créez le vôtre dans **Cadrage**, ou chargez la "
        "démonstration pour découvrir l'outil."
    )

for summary in summaries:
    rec = summary.recruitment
    with st.container(border=True):
        st.markdown(f"## {text(rec.title)}", anchors=False)
        st.caption(
            f"{text(rec.team or 'Équipe non précisée')} · responsable : "
            f"{text(rec.owner or 'à désigner')}"
        )
        cols = st.columns(4)
        cols[0].metric("Candidatures", summary.candidates)
        cols[1].metric("En cours", summary.active)
        cols[2].metric("Critères", summary.criteria)
        cols[3].metric("Notes soumises", summary.ratings)
        if summary.owed_by_me:
            st.markdown("**Vous devez** : " + text(" ; ".join(summary.owed_by_me)) + ".")
        if summary.next_actions:
            st.markdown("**Prochaines actions**")
            for action in summary.next_actions:
                st.markdown(f"- {text(action)}")
        if summary.owed_by_person:
            st.markdown("**Évaluations dues, par personne**")
            for owed in summary.owed_by_person:
                st.markdown(f"- {text(owed.sentence())}")
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
        done, rid = attempt(recruitments.load_demo, ctx.app, ctx.actor)
        if done:
            select_recruitment(rid)
