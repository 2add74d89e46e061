"""The brief (fiche de cadrage): the recruitment, its criteria, weights, must-haves and stages."""

from __future__ import annotations

import streamlit as st

from selection.analysis.brief_checks import check_brief
from selection.domain import labels
from selection.domain.model import Recruitment, ValidationError
from selection.domain.presets import list_presets, preset_notes
from selection.domain.stages import STAGES
from selection.services.brief import (
    criteria_from_grid,
    criteria_grid,
    duplicate_brief,
    new_recruitment_from_preset,
    preset_key_for,
    stage_column,
)
from selection.storage.store import now
from ui.bootstrap import select_recruitment, start_page
from ui.widgets import form_key, members_section, reset_form

ctx = start_page("Cadrage du besoin", needs_recruitment=False)
presets = {p.key: p for p in list_presets()}

with (
    st.expander("Créer un recrutement", expanded=ctx.recruitment is None),
    st.form(form_key("new_recruitment")),
):
    title = st.text_input("Intitulé du poste", placeholder="Développeur·se fullstack")
    team = st.text_input("Produit ou équipe", placeholder="Start-up d'État …")
    owner = st.text_input(
        "Responsable du processus",
        value=ctx.user,
        help="La personne qui coordonne tout le processus et prend la décision finale.",
    )
    preset = st.selectbox(
        "Partir d'un profil type",
        list(presets),
        index=list(presets).index("developpeur"),
        format_func=lambda k: f"{presets[k].label} ({presets[k].count} critères)",
        help="Critères, niveaux et étapes tirés des guides d'entretien de beta.gouv.fr ; tout reste modifiable.",
    )
    if st.form_submit_button("Créer le recrutement", type="primary"):
        try:
            created = new_recruitment_from_preset(title, team, owner, preset)
            ctx.store.save_snapshot(created, owner_email=ctx.email)
        except ValidationError as err:
            st.error(str(err))
        else:
            reset_form("new_recruitment")
            select_recruitment(created.recruitment.id)

if ctx.recruitment is None:
    st.stop()

recruitment = ctx.recruitment
snapshot = ctx.store.snapshot(recruitment.id)
criteria = snapshot.criteria
preset_key = preset_key_for(recruitment.role)

st.header(recruitment.title)
st.caption(
    f"{recruitment.role or 'Profil libre'} · {recruitment.team or 'Équipe non précisée'} · "
    f"responsable : {recruitment.owner or 'à désigner'} · "
    f"{labels.RECRUITMENT_STATUS[recruitment.status]}"
)

for warning in check_brief(criteria):
    (st.warning if warning.severity == "warning" else st.info)(warning.message_fr)

tab_criteria, tab_weights, tab_questions, tab_mission, tab_recruitment = st.tabs(
    ["Critères et étapes", "Pondérations", "Questions", "Contraintes de la mission", "Recrutement"]
)

with tab_criteria:
    st.caption(labels.CRITERION_PHRASE_HINT)
    st.caption(
        "Trois ou quatre critères clés par étape suffisent : le bon niveau d'exigence, pas un "
        "profil théorique parfait. Cochez les étapes où chaque critère est vérifié ; vérifiez "
        "les critères obligatoires et ceux de pondération maximale le plus tôt possible."
    )
    editor_version = st.session_state.setdefault("brief_editor_version", 0)
    edited = st.data_editor(
        # A plain index: with string ids as index, a dynamic editor shows them and drops new rows.
        criteria_grid(criteria).reset_index(),
        key=f"brief_editor_{recruitment.id}_{editor_version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "id": None,
            "Intitulé": st.column_config.TextColumn(required=True, max_chars=120),
            "Énoncé": st.column_config.TextColumn(width="large", help=labels.CRITERION_PHRASE_HINT),
            "Niveau": st.column_config.SelectboxColumn(
                options=list(labels.WEIGHT_LEVELS.values()),
                required=True,
                default=labels.WEIGHT_LEVELS[2],
            ),
            "Obligatoire": st.column_config.CheckboxColumn(default=False),
            **{
                stage_column(s.code): st.column_config.CheckboxColumn(help=s.label, default=False)
                for s in STAGES
            },
        },
    )
    if st.button("Enregistrer les critères", type="primary"):
        try:
            ctx.store.save_criteria(
                recruitment.id, criteria_from_grid(edited, recruitment.id, criteria)
            )
        except ValidationError as err:
            st.error(f"Rien n'a été enregistré : {err}")
        else:
            st.session_state["brief_editor_version"] = editor_version + 1
            st.toast("Critères enregistrés.")
            st.rerun()
    for note in preset_notes(preset_key) if preset_key else ():
        st.caption(f"💡 {note.text}")

with tab_weights:
    if not criteria:
        st.info("Ajoutez d'abord des critères.")
    else:
        st.caption(
            "Le niveau (🔴 3, 🟠 2, 🟡 1) sert à la somme des critères validés ; le poids fin sert "
            "à la moyenne pondérée et à la matrice de pondération."
        )
        with st.form("weights"):
            cols = st.columns(2)
            weights = {
                c.id: cols[i % 2].slider(
                    f"{labels.WEIGHT_LEVELS[c.weight_level]} · {c.label}",
                    min_value=0.0,
                    max_value=3.0,
                    step=0.1,
                    value=float(c.weight),
                    key=f"brief_w_{c.id}",
                )
                for i, c in enumerate(criteria)
            }
            if st.form_submit_button("Enregistrer les pondérations"):
                try:
                    ctx.store.update_weights(recruitment.id, weights)
                except ValidationError as err:
                    st.error(f"Rien n'a été enregistré : {err}")
                else:
                    st.toast("Pondérations enregistrées.")
                    st.rerun()

with tab_questions:
    if not criteria:
        st.info("Ajoutez d'abord des critères.")
    else:
        st.caption(
            "Une question par critère en préqualification, une ou deux en entretien intra : "
            "des questions de situation vécue (« Raconte-moi une fois où… »). Une par ligne."
        )
        by_id = {c.id: c for c in criteria}
        chosen = st.selectbox(
            "Critère", list(by_id), format_func=lambda i: by_id[i].label, key="questions_for"
        )
        with st.form(f"questions_{chosen}"):
            text = st.text_area("Questions", value="\n".join(by_id[chosen].questions), height=140)
            if st.form_submit_button("Enregistrer les questions"):
                updated = [
                    c
                    if c.id != chosen
                    else c.__class__(**{**c.__dict__, "questions": tuple(text.splitlines())})
                    for c in criteria
                ]
                try:
                    ctx.store.save_criteria(recruitment.id, updated)
                except ValidationError as err:
                    st.error(str(err))
                else:
                    st.toast("Questions enregistrées.")
                    st.rerun()

with tab_mission, st.form("mission"):
    st.caption(
        "La préqualification vérifie ces points avec chaque personne ; une réponse bloquante "
        "est signalée partout où la personne apparaît."
    )
    c1, c2 = st.columns(2)
    start_date = c1.date_input(
        "Date de démarrage souhaitée", value=recruitment.start_date, format="DD/MM/YYYY"
    )
    days = c2.number_input(
        "Jours par semaine",
        min_value=0.0,
        max_value=5.0,
        step=0.5,
        value=recruitment.days_per_week or 0.0,
        help="0 : pas de contrainte.",
    )
    remote = c1.text_input(
        "Politique de télétravail",
        value=recruitment.remote_policy,
        placeholder="Par exemple : deux jours par semaine sur site",
    )
    rate = c2.number_input(
        "TJM maximum (€ HT)",
        min_value=0,
        step=10,
        value=recruitment.max_daily_rate or 0,
        help="0 : pas de plafond.",
    )
    refs = st.checkbox(
        "Accord pour la prise de références exigé", value=recruitment.references_required
    )
    if st.form_submit_button("Enregistrer les contraintes"):
        try:
            ctx.store.save_recruitment(
                Recruitment(
                    **{
                        **recruitment.__dict__,
                        "start_date": start_date,
                        "days_per_week": float(days) or None,
                        "remote_policy": remote,
                        "max_daily_rate": int(rate) or None,
                        "references_required": refs,
                    }
                )
            )
        except ValidationError as err:
            st.error(str(err))
        else:
            st.toast("Contraintes enregistrées.")
            st.rerun()

with tab_recruitment:
    with st.form("edit_recruitment"):
        new_title = st.text_input("Intitulé du poste", value=recruitment.title)
        new_team = st.text_input("Produit ou équipe", value=recruitment.team)
        new_owner = st.text_input("Responsable du processus", value=recruitment.owner)
        if st.form_submit_button("Enregistrer"):
            try:
                ctx.store.save_recruitment(
                    Recruitment(
                        **{
                            **recruitment.__dict__,
                            "title": new_title,
                            "team": new_team,
                            "owner": new_owner,
                        }
                    )
                )
            except ValidationError as err:
                st.error(str(err))
            else:
                st.rerun()
    with st.form("duplicate"):
        st.markdown("**Dupliquer ce cadrage** pour un nouveau recrutement (sans les candidatures)")
        copy_title = st.text_input(
            "Intitulé du nouveau recrutement", value=f"{recruitment.title} (copie)"
        )
        if st.form_submit_button("Dupliquer le cadrage"):
            try:
                copy = duplicate_brief(snapshot, copy_title, ctx.user)
                ctx.store.save_snapshot(copy, owner_email=ctx.email)
            except ValidationError as err:
                st.error(str(err))
            else:
                select_recruitment(copy.recruitment.id)
    if ctx.email:
        members_section(ctx, recruitment)
    closing = recruitment.status == "ouvert"
    st.caption(
        "Clore le recrutement lance le délai de conservation des données des personnes non "
        "retenues (trois mois par défaut)."
    )
    if st.button("Clore le recrutement" if closing else "Rouvrir le recrutement"):
        ctx.store.save_recruitment(
            Recruitment(
                **{
                    **recruitment.__dict__,
                    "status": "clos" if closing else "ouvert",
                    "closed_at": now() if closing else None,
                }
            )
        )
        ctx.store.audit(
            ctx.user, "cloture" if closing else "reouverture", recruitment.id, recruitment.title
        )
        st.rerun()
