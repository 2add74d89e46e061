"""The brief (fiche de cadrage): the recruitment, its criteria, weights, must-haves and stages."""

from __future__ import annotations

import streamlit as st

from selection import labels
from selection.brief import criteria_from_grid, criteria_grid, stage_column
from selection.model import Recruitment, ValidationError
from selection.stages import STAGES
from selection.storage import new_id
from ui.bootstrap import select_recruitment, start_page

ctx = start_page("Cadrage du besoin", needs_recruitment=False)

with (
    st.expander("Créer un recrutement", expanded=ctx.recruitment is None),
    st.form("new_recruitment", clear_on_submit=True),
):
    title = st.text_input("Intitulé du poste", placeholder="Développeur·se fullstack")
    team = st.text_input("Produit ou équipe", placeholder="Start-up d'État …")
    owner = st.text_input(
        "Responsable du processus",
        value=ctx.user,
        help="La personne qui coordonne tout le processus et prend la décision finale.",
    )
    if st.form_submit_button("Créer le recrutement", type="primary"):
        try:
            created = ctx.store.save_recruitment(
                Recruitment(id=new_id(), title=title, team=team, owner=owner)
            )
        except ValidationError as err:
            st.error(str(err))
        else:
            select_recruitment(created.id)

if ctx.recruitment is None:
    st.stop()

recruitment = ctx.recruitment
criteria = ctx.store.list_criteria(recruitment.id)

st.subheader(recruitment.title)
st.caption(
    f"{recruitment.team or 'Équipe non précisée'} · responsable : "
    f"{recruitment.owner or 'à désigner'} · {labels.RECRUITMENT_STATUS[recruitment.status]}"
)

st.markdown("#### Critères")
st.caption(labels.CRITERION_PHRASE_HINT)
st.caption(
    "Trois ou quatre critères clés par étape suffisent : le bon niveau d'exigence, pas un profil "
    "théorique parfait. Cochez les étapes où chaque critère est vérifié ; vérifiez les critères "
    "obligatoires et ceux de pondération maximale le plus tôt possible."
)
editor_version = st.session_state.setdefault("brief_editor_version", 0)
edited = st.data_editor(
    criteria_grid(criteria),
    key=f"brief_editor_{recruitment.id}_{editor_version}",
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    column_config={
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

if criteria:
    st.markdown("#### Pondérations")
    st.caption(
        "Le niveau (🔴 3, 🟠 2, 🟡 1) sert à la somme des critères validés ; le poids fin sert à la "
        "moyenne pondérée et à la matrice de pondération."
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
