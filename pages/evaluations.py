"""Rate one candidate at one stage, alone, with evidence; see the panel once submitted.
At the culture-fit stage, write advisory observations instead of ratings."""

from __future__ import annotations

import streamlit as st

from selection.domain import labels
from selection.services import candidates, catalogue, ratings
from selection.services import evaluation as forms
from selection.services.access import Action
from ui.bootstrap import page_path, start_page
from ui.widgets import (
    CHOOSE,
    attempt,
    form_key,
    reset_form,
    table_height,
    text,
    toast_after_rerun,
)

PANEL_ROW_HEIGHT = 84  # px: four lines of evidence (above 4rem the grid wraps text)

ctx = start_page("Évaluations")
view = ctx.view
snapshot = view.snapshot
me = ctx.actor.key

if not snapshot.candidates or not snapshot.criteria:
    st.info(
        "Il faut au moins un critère (**Cadrage**) et une personne (**Candidatures**) pour évaluer."
    )
    st.stop()
if not ctx.actor.signed:
    st.warning("Indiquez votre nom dans la barre latérale : chaque saisie est signée.")
    st.stop()
if not view.can(Action.RATE):
    st.info("Seuls les membres du recrutement évaluent les candidatures.")
    st.stop()

people = view.candidate_by_id
crit_by_id = view.criterion_by_id
owed = forms.owed_to_me(view)
if owed:
    st.caption("Vous devez : " + text(" ; ".join(owed)))

left, right = st.columns(2)
candidate_id = left.selectbox(
    "Personne évaluée",
    list(people),
    format_func=lambda i: view.shown_names[i],
    key="eval_candidate",
    placeholder=CHOOSE,
)
stages = forms.stages_to_rate(view, candidate_id)
stage = right.selectbox(
    "Étape",
    stages,
    index=len(stages) - 1,
    format_func=catalogue.stage_label,
    key=f"eval_stage_{candidate_id}",
    placeholder=CHOOSE,
)
st.caption(catalogue.stage_purpose(stage))
if view.stage_index(candidate_id) >= catalogue.stage_index(catalogue.REFERENCE_STAGE):
    st.caption("Les notes de la prise de références s'enregistrent avec l'appel, page Références.")
    st.page_link(page_path("references.py"), label="Aller à la prise de références")
for flag in candidates.logistics(view, candidate_id):
    if flag.blocking:
        st.warning(text("🚫 logistique : " + flag.message))


def culture_stage() -> None:
    st.info(
        "Entretien consultatif : notez ce que vous avez observé et les éventuels signaux "
        "d'alerte. Pas de note, pas de oui ou non ; ces observations s'affichent à côté du "
        "score, jamais dedans."
    )
    with st.form(form_key(f"culture_{candidate_id}"), enter_to_submit=False):
        note = st.text_area(
            "Observation", placeholder="Ce qui a été dit ou vu, avec un exemple.", max_chars=5000
        )
        c1, c2 = st.columns(2)
        warning = c1.checkbox("C'est un signal d'alerte")
        severity = c2.select_slider(
            "Gravité du signal", list(catalogue.SEVERITY_CODES), format_func=forms.severity_label
        )
        if st.form_submit_button("Enregistrer l'observation", type="primary"):
            done, _ = attempt(
                ratings.add_culture_note,
                ctx.app,
                ctx.actor,
                candidate_id,
                note=note,
                warning=warning,
                severity=severity,
            )
            if done:
                reset_form(f"culture_{candidate_id}")
                toast_after_rerun("Observation enregistrée.")
                st.rerun()
    st.header("Observations de l'équipe", anchor=False)
    notes = forms.culture_notes_visible(snapshot, candidate_id, me)
    if notes is None:
        st.info("Masquées jusqu'à ce que vous ayez écrit votre propre observation.")
        return
    for n in notes:
        signal = f" — ⚠️ signal d'alerte ({forms.severity_label(n.severity)})" if n.warning else ""
        st.markdown(f"- **{text(n.author_label)}**{signal} : {text(n.note)}")


def rating_stage() -> None:
    existing = forms.own_evaluations(snapshot, candidate_id, stage, me)
    submitted = forms.has_submitted(snapshot, candidate_id, stage, me)
    assigned = forms.criteria_for_stage(snapshot, stage)
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
        done, _ = attempt(
            ratings.save_ratings,
            ctx.app,
            ctx.actor,
            candidate_id,
            stage,
            inputs(),
            submit=bool(submit),
        )
        if done:
            st.session_state["grid_version"] = st.session_state.get("grid_version", 0) + 1
            # A point to check counts as a doubt even with the box left unticked: the boxes
            # start again from what was saved, so the screen shows what the panel will see.
            for cid in shown:
                st.session_state.pop(f"d_{candidate_id}_{stage}_{cid}", None)
            toast_after_rerun("Évaluation soumise." if submit else "Brouillon enregistré.")
            st.rerun()

    st.header("Évaluations du panel", anchor=False)
    panel = forms.panel_view(snapshot, candidate_id, stage, me)
    if panel is None:
        st.info(
            "Masquées jusqu'à ce que vous ayez soumis votre propre évaluation : chacun note "
            "seul, sans débrief à chaud."
        )
    elif panel.empty:
        st.caption("Aucune évaluation soumise pour cette étape.")
    else:
        # Fits the main column at 1280 px: each rating's evidence wraps on up to four lines.
        st.dataframe(
            panel,
            hide_index=True,
            width="stretch",
            row_height=PANEL_ROW_HEIGHT,
            height=table_height(len(panel), PANEL_ROW_HEIGHT, max_rows=15),
            column_order=["Critère", "Désaccord", "Évaluateur·rice", "Note", "Preuve", "Doute"],
            column_config={
                "Critère": st.column_config.TextColumn(width=130),
                "Désaccord": st.column_config.TextColumn(width=95),
                "Évaluateur·rice": st.column_config.TextColumn(width=110),
                "Note": st.column_config.TextColumn(width=120),
                "Preuve": st.column_config.TextColumn(width=220),
                "Doute": st.column_config.TextColumn(width=120),
            },
        )


def rating_form(shown, existing, submitted):
    options = [None, 1, 2, 3]
    with st.form(f"rate_{candidate_id}_{stage}", enter_to_submit=False):
        inputs = []
        for cid in shown:
            crit = crit_by_id[cid]
            prev = existing.get(cid)
            must = " · obligatoire" if crit.must_have else ""
            st.markdown(f"**{text(crit.label)}** · {labels.WEIGHT_LEVELS[crit.weight_level]}{must}")
            if crit.statement:
                st.caption(text(crit.statement))
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
                max_chars=5000,
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
                max_chars=1000,
            )
            note_col.caption(
                "Un point écrit ici compte comme un doute à lever, case cochée ou non."
            )
            inputs.append(forms.RatingInput(cid, rating, evidence, doubt, note))
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
        forms.rating_grid(snapshot, shown, existing),
        key=f"grid_{candidate_id}_{stage}_{version}",
        hide_index=True,
        width="stretch",
        disabled=["Critère"],
        row_height=PANEL_ROW_HEIGHT,
        placeholder="",
        column_config={
            "Critère": st.column_config.TextColumn(width=140),
            "Note": st.column_config.SelectboxColumn(
                width=240, options=forms.RATING_CHOICES, required=True
            ),
            "Preuve": st.column_config.TextColumn(width=200, max_chars=5000),
            "Doute": st.column_config.CheckboxColumn(width=70),
            "À vérifier": st.column_config.TextColumn(width=140, max_chars=1000),
        },
    )
    draft_col, submit_col = st.columns(2)
    save_draft = draft_col.button("Enregistrer le brouillon", disabled=submitted, key="grid_draft")
    submit = submit_col.button(
        "Enregistrer la correction" if submitted else "Soumettre mon évaluation",
        type="primary",
        key="grid_submit",
    )
    return (lambda: forms.inputs_from_grid(edited)), save_draft, submit


if stage == catalogue.CULTURE_STAGE:
    culture_stage()
else:
    rating_stage()
