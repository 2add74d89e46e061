"""Rate one candidate at one stage, alone, with evidence; see the panel once submitted."""

from __future__ import annotations

import streamlit as st

from selection import labels
from selection.evaluation import (
    RatingInput,
    build_evaluations,
    criteria_for_stage,
    has_submitted,
    own_evaluations,
    panel_view,
    rateable_stages,
)
from selection.model import ValidationError
from selection.stages import STAGE_BY_CODE
from ui.bootstrap import require_user, start_page

ctx = start_page("Évaluations")
snapshot = ctx.store.snapshot(ctx.recruitment.id)

if not snapshot.candidates or not snapshot.criteria:
    st.info(
        "Il faut au moins un critère (**Cadrage**) et une personne (**Candidatures**) pour évaluer."
    )
    st.stop()
if not require_user(ctx.user):
    st.stop()

by_id = {c.id: c for c in snapshot.candidates}
crit_by_id = {c.id: c for c in snapshot.criteria}
left, right = st.columns(2)
candidate_id = left.selectbox(
    "Personne évaluée", list(by_id), format_func=lambda i: by_id[i].name, key="eval_candidate"
)
stages = [s for s in rateable_stages(snapshot, candidate_id) if STAGE_BY_CODE[s].scored]
stage = right.selectbox(
    "Étape",
    stages,
    index=len(stages) - 1,
    format_func=lambda c: STAGE_BY_CODE[c].label,
    key=f"eval_stage_{candidate_id}",
)
st.caption(STAGE_BY_CODE[stage].purpose)

with st.expander("Échelle de notation", expanded=False):
    for text in labels.RATING_ANCHORS.values():
        st.markdown(f"- {text}")
    st.markdown(f"- {labels.NOT_RATED} : sujet non abordé, jamais compté comme zéro.")

existing = own_evaluations(snapshot, candidate_id, stage, ctx.user)
submitted = has_submitted(snapshot, candidate_id, stage, ctx.user)
assigned = criteria_for_stage(snapshot, stage)
others = [c.id for c in snapshot.criteria if c.id not in assigned]
extra = st.multiselect(
    "Ajouter une preuve sur un autre critère",
    others,
    default=[cid for cid in existing if cid in others],
    format_func=lambda cid: crit_by_id[cid].label,
    key=f"extra_{candidate_id}_{stage}",
)
shown = assigned + list(extra)
if submitted:
    st.info(
        "Vous avez déjà soumis cette évaluation. Une modification est enregistrée comme une "
        "correction : l'ancienne note et la nouvelle restent dans l'historique."
    )

options = [None, 1, 2, 3]
with st.form(f"rate_{candidate_id}_{stage}"):
    inputs = []
    for cid in shown:
        crit = crit_by_id[cid]
        prev = existing.get(cid)
        st.markdown(
            f"**{crit.label}** · {labels.WEIGHT_LEVELS[crit.weight_level]}"
            + (" · obligatoire" if crit.must_have else "")
        )
        if crit.statement:
            st.caption(crit.statement)
        rating = st.radio(
            "Note",
            options,
            index=options.index(prev.rating if prev else None),
            format_func=lambda r: labels.NOT_RATED if r is None else labels.RATING_ANCHORS[r],
            horizontal=True,
            key=f"r_{candidate_id}_{stage}_{cid}",
        )
        evidence = st.text_area(
            "Preuve observée",
            value=prev.evidence if prev else "",
            placeholder="Ce que la personne a dit ou fait, avec un exemple concret.",
            key=f"e_{candidate_id}_{stage}_{cid}",
            height=80,
        )
        doubt_col, note_col = st.columns([1, 3])
        doubt = doubt_col.checkbox(
            "Doute à lever",
            value=prev.doubt if prev else False,
            key=f"d_{candidate_id}_{stage}_{cid}",
        )
        note = note_col.text_input(
            "Ce qu'il faudrait vérifier",
            value=prev.doubt_note if prev else "",
            key=f"n_{candidate_id}_{stage}_{cid}",
        )
        inputs.append(RatingInput(cid, rating, evidence, doubt, note))
        st.divider()
    draft_col, submit_col = st.columns(2)
    save_draft = draft_col.form_submit_button("Enregistrer le brouillon", disabled=submitted)
    submit = submit_col.form_submit_button(
        "Enregistrer la correction" if submitted else "Soumettre mon évaluation", type="primary"
    )

if save_draft or submit:
    try:
        items = build_evaluations(
            snapshot, candidate_id, stage, ctx.user, inputs, submit=bool(submit)
        )
        ctx.store.save_evaluations(items, changed_by=ctx.user)
    except ValidationError as err:
        st.error(str(err))
    else:
        st.toast("Évaluation soumise." if submit else "Brouillon enregistré.")
        st.rerun()

st.subheader("Évaluations du panel")
panel = panel_view(snapshot, candidate_id, stage, ctx.user)
if panel is None:
    st.info(
        "Masquées jusqu'à ce que vous ayez soumis votre propre évaluation : chacun note seul, "
        "sans débrief à chaud."
    )
elif panel.empty:
    st.caption("Aucune évaluation soumise pour cette étape.")
else:
    st.dataframe(panel, hide_index=True, width="stretch")
