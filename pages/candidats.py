"""Candidates of the recruitment: who is where, add or correct a person, record stage decisions."""

from __future__ import annotations

import streamlit as st

from selection import labels
from selection.model import Candidate, StageDecision, ValidationError
from selection.people import candidate_overview
from selection.progress import candidate_status
from selection.stages import STAGE_BY_CODE, STAGES
from selection.storage import new_id
from ui.bootstrap import require_user, start_page

ctx = start_page("Candidatures")
recruitment = ctx.recruitment
snapshot = ctx.store.snapshot(recruitment.id)
status = candidate_status(snapshot)

st.caption(
    "Ne saisissez que ce qui sert au recrutement : identité, contact, parcours et compétences. "
    "Jamais de numéro de sécurité sociale, de coordonnées bancaires, ni d'information sur la "
    "famille, la santé ou l'apparence."
)

if snapshot.candidates:
    st.dataframe(candidate_overview(snapshot, status), hide_index=True, width="stretch")
else:
    st.info("Aucune candidature pour l'instant : ajoutez la première ci-dessous.")

add_tab, edit_tab, decide_tab = st.tabs(
    ["Ajouter un candidat", "Corriger une fiche", "Décision d'étape"]
)

with add_tab, st.form("add_candidate", clear_on_submit=True):
    name = st.text_input("Nom affiché", placeholder="Prénom Nom")
    email = st.text_input("Adresse électronique (facultatif)")
    source = st.text_input(
        "Origine de la candidature", placeholder="Welcome to the Jungle, cooptation…"
    )
    if st.form_submit_button("Ajouter le candidat", type="primary"):
        try:
            ctx.store.save_candidate(
                Candidate(
                    id=new_id(),
                    recruitment_id=recruitment.id,
                    name=name,
                    email=email,
                    source=source,
                )
            )
        except ValidationError as err:
            st.error(str(err))
        else:
            st.toast(f"{name.strip()} ajouté·e.")
            st.rerun()

by_id = {c.id: c for c in snapshot.candidates}

with edit_tab:
    if not by_id:
        st.caption("Ajoutez d'abord une candidature.")
    else:
        chosen = st.selectbox(
            "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="edit_candidate"
        )
        current = by_id[chosen]
        with st.form(f"edit_{chosen}"):
            name = st.text_input("Nom affiché", value=current.name)
            email = st.text_input("Adresse électronique", value=current.email)
            source = st.text_input("Origine", value=current.source)
            if st.form_submit_button("Enregistrer la fiche"):
                try:
                    ctx.store.save_candidate(
                        Candidate(
                            id=current.id,
                            recruitment_id=recruitment.id,
                            name=name,
                            email=email,
                            source=source,
                            created_at=current.created_at,
                        )
                    )
                except ValidationError as err:
                    st.error(str(err))
                else:
                    st.toast("Fiche enregistrée.")
                    st.rerun()

with decide_tab:
    if not by_id:
        st.caption("Ajoutez d'abord une candidature.")
    else:
        st.caption(
            "Après chaque étape, dites si la personne continue ou s'arrête, avec la raison : "
            "chaque personne reçoit une réponse. Pas de débrief à chaud : décidez une fois les "
            "évaluations saisies."
        )
        chosen = st.selectbox(
            "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="decide_candidate"
        )
        row = status.set_index("candidate_id").loc[chosen]
        st.write(
            f"Étape actuelle : **{STAGE_BY_CODE[row['etape']].label}** · "
            f"statut : **{labels.CANDIDATE_STATUS[row['statut']]}**"
        )
        with st.form(f"decide_{chosen}", clear_on_submit=True):
            stage = st.selectbox(
                "Étape",
                [s.code for s in STAGES],
                index=int(row["etape_index"]),
                format_func=lambda code: STAGE_BY_CODE[code].label,
            )
            decision = st.radio(
                "Décision",
                list(labels.DECISIONS),
                format_func=labels.DECISIONS.get,
                horizontal=True,
            )
            reason = st.text_area(
                "Raison", placeholder="Ce qui fonde la décision, en une ou deux phrases."
            )
            if st.form_submit_button("Enregistrer la décision", type="primary") and require_user(
                ctx.user
            ):
                try:
                    ctx.store.record_decision(
                        StageDecision(
                            id=new_id(),
                            candidate_id=chosen,
                            stage=stage,
                            decision=decision,
                            decided_by=ctx.user,
                            reason=reason,
                        )
                    )
                except ValidationError as err:
                    st.error(str(err))
                else:
                    st.toast("Décision enregistrée.")
                    st.rerun()
