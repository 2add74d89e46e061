"""Reference checks: what is still unknown about a candidate, the call guide built from it,
and the call's record (referee, ratings with evidence, recommendation)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from selection.domain import labels
from selection.services import evaluation as forms
from selection.services import ratings, references
from selection.services.access import Action
from ui.bootstrap import start_page
from ui.widgets import (
    CHOOSE,
    LIVE_TYPING,
    attempt,
    date_field,
    form_key,
    reset_form,
    table_height,
    text,
    toast_after_rerun,
)

ctx = start_page("Prise de références")
view = ctx.view

if not view.snapshot.candidates or not view.snapshot.criteria:
    st.info("Il faut un cadrage et des candidatures avant de préparer une prise de références.")
    st.stop()

people = {c.id: c for c in references.candidates_to_call(view)}
candidate_id = st.selectbox(
    "Personne",
    list(people),
    format_func=lambda i: view.shown_names[i],
    key="ref_candidate",
    placeholder=CHOOSE,
)
st.caption(
    "Un appel de moins de 15 minutes avec une personne choisie par le ou la candidate, pour "
    "lever ou confirmer les doutes nés pendant le processus."
)

st.header("Ce qui reste à vérifier", anchor=False)
gaps = references.gaps(view, candidate_id)
if view.is_blinded(candidate_id):
    st.info(
        "Vous êtes dans un panel de cette personne sans avoir soumis votre évaluation : ce qui "
        "suit ne tient compte que de vos propres notes."
    )
if gaps:
    # One person is chosen above: the table leaves the name out and wraps the reasons.
    st.dataframe(
        references.gap_table(gaps),
        hide_index=True,
        width="stretch",
        row_height=66,
        height=table_height(len(gaps), 66),
        column_order=["Critère", "Nature", "Décisif", "Pourquoi"],
        column_config={
            "Critère": st.column_config.TextColumn(width=170),
            "Nature": st.column_config.TextColumn(width=130),
            "Décisif": st.column_config.TextColumn(width=70),
            "Pourquoi": st.column_config.TextColumn(width=400),
        },
    )
else:
    st.success("Aucun manque de preuve, désaccord ni doute pour cette personne.")

blocked = references.why_no_call(view, candidate_id)
st.header("Guide d'appel", anchor=False)
if blocked:
    st.warning(text(blocked))
else:
    referee = st.text_input(
        "Personne référente (facultatif)",
        key=f"referee_{candidate_id}",
        max_chars=200,
        live=LIVE_TYPING,
    )
    guide = references.guide(view, candidate_id, gaps, referee or None)
    for col, (label, content, name, mime) in zip(
        st.columns(2), references.guide_files(guide), strict=True
    ):
        col.download_button(label, content, file_name=name, mime=mime)
    with st.expander("Lire le guide", expanded=False):
        st.markdown(references.guide_text(guide), anchors=False)

st.header("Enregistrer un appel", anchor=False)
if blocked:
    st.info("L'appel pourra être enregistré une fois ces conditions remplies.")
elif not ctx.actor.signed:
    st.warning("Indiquez votre nom dans la barre latérale : chaque saisie est signée.")
elif not view.can(Action.RATE):
    st.info("Seuls les membres du recrutement enregistrent un appel.")
else:
    probed = references.probed_criteria(view, gaps)
    call_form = form_key(f"reference_call_{candidate_id}")
    with st.form(call_form, enter_to_submit=False):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Nom de la personne référente", max_chars=200)
        relation = c2.text_input(
            "Lien avec la personne", placeholder="Ancienne responsable…", max_chars=200
        )
        organisation = c3.text_input("Organisation", max_chars=200)
        called_on = date_field("Date de l'appel", date.today(), where=c1)
        recommendation = c2.radio(
            "Recommandation pour la mission",
            list(references.RECOMMENDATION_LABELS),
            format_func=references.RECOMMENDATION_LABELS.get,
            index=None,
        )
        notes = st.text_area("Notes générales", max_chars=5000)
        inputs = []
        for crit in probed:
            st.markdown(f"**{text(crit.label)}**")
            rating = st.radio(
                "Note",
                [None, 1, 2, 3],
                format_func=lambda r: labels.NOT_RATED if r is None else labels.RATING_ANCHORS[r],
                horizontal=True,
                key=f"ref_r_{candidate_id}_{crit.id}_{call_form}",
            )
            evidence = st.text_input(
                "Ce que la personne référente a observé",
                key=f"ref_e_{candidate_id}_{crit.id}_{call_form}",
                max_chars=5000,
            )
            inputs.append(forms.RatingInput(crit.id, rating, evidence))
        if st.form_submit_button("Enregistrer l'appel", type="primary"):
            done, _ = attempt(
                ratings.record_reference_call,
                ctx.app,
                ctx.actor,
                candidate_id,
                referee_name=name,
                relation=relation,
                organisation=organisation,
                called_on=called_on,
                recommendation=recommendation,
                notes=notes,
                inputs=inputs,
            )
            if done:
                reset_form(f"reference_call_{candidate_id}")
                toast_after_rerun("Appel enregistré.")
                st.rerun()

calls = references.calls(view, candidate_id)
if calls:
    st.markdown("**Appels enregistrés**")
    for r in calls:
        st.markdown(
            f"- {r.called_on:%d/%m/%Y} — {text(r.referee_name)} ({text(r.relation)}, "
            f"{text(r.organisation)}) : {references.RECOMMENDATION_LABELS[r.recommendation]}, "
            f"noté par {text(r.recorded_by)}"
        )
