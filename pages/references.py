"""Reference checks: what is still unknown about a candidate, the call guide built from it,
and the call's record (referee, ratings with evidence, recommendation)."""

from __future__ import annotations

import streamlit as st

from selection.analysis.gaps import (
    gaps_for_candidate,
    guide_filename,
    guide_html,
    guide_markdown,
    reference_guide,
)
from selection.analysis.meeting import gap_table
from selection.analysis.progress import candidate_status
from selection.domain import labels
from selection.domain.model import ValidationError
from selection.services.evaluation import RatingInput
from selection.services.references import RECOMMENDATION_LABELS, build_reference_call
from selection.storage.store import now
from ui.bootstrap import require_user, start_page
from ui.widgets import form_key, reset_form

ctx = start_page("Prise de références")
snapshot = ctx.store.snapshot(ctx.recruitment.id)

if not snapshot.candidates or not snapshot.criteria:
    st.info("Il faut un cadrage et des candidatures avant de préparer une prise de références.")
    st.stop()

status = candidate_status(snapshot).set_index("candidate_id")
active = [c for c in snapshot.candidates if status.loc[c.id, "statut"] != "arrete"]
by_id = {c.id: c for c in (active or snapshot.candidates)}
candidate_id = st.selectbox(
    "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="ref_candidate"
)
candidate = by_id[candidate_id]
st.caption(
    "Un appel de moins de 15 minutes avec une personne choisie par le ou la candidate, pour "
    "lever ou confirmer les doutes nés pendant le processus."
)

st.header("Ce qui reste à vérifier")
gaps = gaps_for_candidate(snapshot, candidate_id)
if gaps:
    st.dataframe(gap_table(gaps), hide_index=True, width="stretch")
else:
    st.success("Aucun manque de preuve, désaccord ni doute pour cette personne.")

st.header("Guide d'appel")
referee = st.text_input("Personne référente (facultatif)", key=f"referee_{candidate_id}")
try:
    guide = reference_guide(
        snapshot, candidate_id, gaps, referee or None, references_agreed=candidate.references_agreed
    )
except ValidationError as err:
    st.warning(str(err))
else:
    left, right = st.columns(2)
    markdown = guide_markdown(guide)
    left.download_button(
        "Télécharger le guide (Markdown)",
        markdown,
        file_name=guide_filename(guide, "md"),
        mime="text/markdown",
    )
    right.download_button(
        "Télécharger le guide à imprimer (HTML)",
        guide_html(guide),
        file_name=guide_filename(guide, "html"),
        mime="text/html",
    )
    with st.expander("Lire le guide", expanded=False):
        st.markdown(markdown)

st.header("Enregistrer un appel")
if candidate.references_agreed is not True:
    st.info("L'appel ne peut être enregistré qu'avec l'accord de la personne.")
elif require_user(ctx.user):
    probed = list(dict.fromkeys([g.criterion_id for g in gaps]))
    probed += [c.id for c in snapshot.criteria if "references" in c.stages and c.id not in probed]
    crit_by_id = {c.id: c for c in snapshot.criteria}
    call_form = form_key(f"reference_call_{candidate_id}")
    with st.form(call_form):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Nom de la personne référente")
        relation = c2.text_input("Lien avec la personne", placeholder="Ancienne responsable…")
        organisation = c3.text_input("Organisation")
        called_on = c1.date_input("Date de l'appel", value=now().date(), format="DD/MM/YYYY")
        recommendation = c2.radio(
            "Recommandation pour la mission",
            list(RECOMMENDATION_LABELS),
            format_func=RECOMMENDATION_LABELS.get,
        )
        notes = st.text_area("Notes générales")
        inputs = []
        for cid in probed:
            crit = crit_by_id[cid]
            st.markdown(f"**{crit.label}**")
            rating = st.radio(
                "Note",
                [None, 1, 2, 3],
                format_func=lambda r: labels.NOT_RATED if r is None else labels.RATING_ANCHORS[r],
                horizontal=True,
                key=f"ref_r_{candidate_id}_{cid}_{call_form}",
            )
            evidence = st.text_input(
                "Ce que la personne référente a observé",
                key=f"ref_e_{candidate_id}_{cid}_{call_form}",
            )
            inputs.append(RatingInput(cid, rating, evidence))
        if st.form_submit_button("Enregistrer l'appel", type="primary"):
            try:
                call, ratings = build_reference_call(
                    snapshot,
                    candidate_id,
                    recorded_by=ctx.user,
                    referee_name=name,
                    relation=relation,
                    organisation=organisation,
                    called_on=called_on,
                    recommendation=recommendation,
                    notes=notes,
                    inputs=inputs,
                )
                ctx.store.save_reference_call(call, ratings)
            except ValidationError as err:
                st.error(str(err))
            else:
                reset_form(f"reference_call_{candidate_id}")
                st.toast("Appel enregistré.")
                st.rerun()

calls = [r for r in snapshot.reference_calls if r.candidate_id == candidate_id]
if calls:
    st.markdown("**Appels enregistrés**")
    for r in calls:
        st.markdown(
            f"- {r.called_on:%d/%m/%Y} — {r.referee_name} ({r.relation}, {r.organisation}) : "
            f"{RECOMMENDATION_LABELS[r.recommendation]}, noté par {r.recorded_by}"
        )
