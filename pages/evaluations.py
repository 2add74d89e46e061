"""Rate one candidate at one stage, alone, with evidence; see the panel once submitted.
At the culture-fit stage, write advisory observations instead of ratings."""

from __future__ import annotations

import streamlit as st

from selection.analysis.culture import SEVERITY_LABELS
from selection.analysis.logistics import logistics_badge
from selection.domain import labels
from selection.domain.model import SEVERITIES, CultureNote, ValidationError
from selection.domain.stages import CULTURE, STAGE_BY_CODE
from selection.services.evaluation import (
    RATING_CHOICES,
    RatingInput,
    build_evaluations,
    criteria_for_stage,
    culture_notes_visible,
    has_submitted,
    inputs_from_grid,
    own_evaluations,
    panel_view,
    rateable_stages,
    rating_grid,
)
from selection.storage.store import new_id
from ui.bootstrap import require_user, start_page
from ui.widgets import form_key, reset_form

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
stages = rateable_stages(snapshot, candidate_id)
stage = right.selectbox(
    "Étape",
    stages,
    index=len(stages) - 1,
    format_func=lambda c: STAGE_BY_CODE[c].label,
    key=f"eval_stage_{candidate_id}",
)
st.caption(STAGE_BY_CODE[stage].purpose)
badge = logistics_badge(snapshot.recruitment, by_id[candidate_id])
if badge:
    st.warning(badge)


def culture_stage() -> None:
    st.info(
        "Entretien consultatif : notez ce que vous avez observé et les éventuels signaux "
        "d'alerte. Pas de note, pas de oui ou non ; ces observations s'affichent à côté du "
        "score, jamais dedans."
    )
    with st.form(form_key(f"culture_{candidate_id}")):
        note = st.text_area("Observation", placeholder="Ce qui a été dit ou vu, avec un exemple.")
        c1, c2 = st.columns(2)
        warning = c1.checkbox("C'est un signal d'alerte")
        severity = c2.select_slider(
            "Gravité du signal", list(SEVERITIES), format_func=SEVERITY_LABELS.get
        )
        if st.form_submit_button("Enregistrer l'observation", type="primary"):
            try:
                ctx.store.save_culture_note(
                    CultureNote(
                        id=new_id(),
                        candidate_id=candidate_id,
                        author=ctx.user,
                        note=note,
                        warning=warning,
                        severity=severity if warning else "faible",
                    )
                )
            except ValidationError as err:
                st.error(str(err))
            else:
                reset_form(f"culture_{candidate_id}")
                st.toast("Observation enregistrée.")
                st.rerun()
    st.header("Observations de l'équipe")
    notes = culture_notes_visible(snapshot, candidate_id, ctx.user)
    if notes is None:
        st.info("Masquées jusqu'à ce que vous ayez écrit votre propre observation.")
        return
    for n in notes:
        signal = f" — ⚠️ signal d'alerte ({SEVERITY_LABELS[n.severity]})" if n.warning else ""
        st.markdown(f"- **{n.author}**{signal} : {n.note}")


def rating_stage() -> None:
    existing = own_evaluations(snapshot, candidate_id, stage, ctx.user)
    submitted = has_submitted(snapshot, candidate_id, stage, ctx.user)
    assigned = criteria_for_stage(snapshot, stage)
    others = [c.id for c in snapshot.criteria if c.id not in assigned]
    extra = st.multiselect(
        "Ajouter une preuve sur un autre critère",
        others,
        default=[cid for cid in existing if cid in others],
        format_func=lambda cid: crit_by_id[cid].label,
        placeholder="Choisir un ou plusieurs critères",
        key=f"extra_{candidate_id}_{stage}",
    )
    shown = assigned + list(extra)
    with st.expander("Échelle de notation", expanded=not submitted):
        st.markdown(labels.RATING_HELP)
    if submitted:
        st.info(
            "Vous avez déjà soumis cette évaluation. Une modification est enregistrée comme une "
            "correction : l'ancienne note et la nouvelle restent dans l'historique."
        )
    mode = st.segmented_control(
        "Saisie", ["Formulaire", "Grille rapide"], default="Formulaire", key="eval_mode"
    )
    if mode == "Grille rapide":
        inputs, save_draft, submit = rating_grid_form(shown, existing, submitted)
    else:
        inputs, save_draft, submit = rating_form(shown, existing, submitted)
    if save_draft or submit:
        try:
            items = build_evaluations(
                snapshot, candidate_id, stage, ctx.user, inputs(), submit=bool(submit)
            )
            ctx.store.save_evaluations(items, changed_by=ctx.user)
        except ValidationError as err:
            st.error(str(err))
        else:
            st.session_state["grid_version"] = st.session_state.get("grid_version", 0) + 1
            st.toast("Évaluation soumise." if submit else "Brouillon enregistré.")
            st.rerun()

    st.header("Évaluations du panel")
    panel = panel_view(snapshot, candidate_id, stage, ctx.user)
    if panel is None:
        st.info(
            "Masquées jusqu'à ce que vous ayez soumis votre propre évaluation : chacun note "
            "seul, sans débrief à chaud."
        )
    elif panel.empty:
        st.caption("Aucune évaluation soumise pour cette étape.")
    else:
        st.dataframe(panel, hide_index=True, width="stretch")


def rating_form(shown, existing, submitted):
    options = [None, 1, 2, 3]
    with st.form(f"rate_{candidate_id}_{stage}"):
        inputs = []
        for cid in shown:
            crit = crit_by_id[cid]
            prev = existing.get(cid)
            must = " · obligatoire" if crit.must_have else ""
            st.markdown(f"**{crit.label}** · {labels.WEIGHT_LEVELS[crit.weight_level]}{must}")
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
            "Enregistrer la correction" if submitted else "Soumettre mon évaluation",
            type="primary",
        )
    return (lambda: inputs), save_draft, submit


def rating_grid_form(shown, existing, submitted):
    """Fast entry: the stored snapshot goes in, edits go to storage on click, never back in."""
    version = st.session_state.get("grid_version", 0)
    edited = st.data_editor(
        rating_grid(snapshot, shown, existing),
        key=f"grid_{candidate_id}_{stage}_{version}",
        hide_index=True,
        width="stretch",
        disabled=["Critère"],
        column_config={
            "Note": st.column_config.SelectboxColumn(options=RATING_CHOICES, required=True),
            "Preuve": st.column_config.TextColumn(width="large"),
            "Doute": st.column_config.CheckboxColumn(),
        },
    )
    draft_col, submit_col = st.columns(2)
    save_draft = draft_col.button("Enregistrer le brouillon", disabled=submitted, key="grid_draft")
    submit = submit_col.button(
        "Enregistrer la correction" if submitted else "Soumettre mon évaluation",
        type="primary",
        key="grid_submit",
    )
    return (lambda: inputs_from_grid(edited)), save_draft, submit


if stage == CULTURE:
    culture_stage()
else:
    rating_stage()
