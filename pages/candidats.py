"""Candidates of the recruitment: who is where, add or correct a person, logistics and consents,
stage decisions, and the written report for the candidate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from selection.analysis.logistics import logistics_flags
from selection.analysis.people import candidate_overview
from selection.analysis.progress import candidate_status
from selection.analysis.signals import candidate_signals
from selection.documents.exports import export_filename
from selection.documents.reports import candidate_report_markdown
from selection.domain import labels
from selection.domain.model import Candidate, StageDecision, ValidationError
from selection.domain.stages import STAGE_BY_CODE, STAGES
from selection.services.decisions import check_decision
from selection.storage.store import new_id
from ui.bootstrap import require_user, start_page
from ui.widgets import form_key, reset_form

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
    st.dataframe(
        candidate_overview(snapshot, status, candidate_signals(snapshot)),
        hide_index=True,
        width="stretch",
    )
else:
    st.info("Aucune candidature pour l'instant : ajoutez la première ci-dessous.")

add_tab, edit_tab, decide_tab, report_tab = st.tabs(
    ["Ajouter un candidat", "Fiche et logistique", "Décision d'étape", "Compte rendu"]
)

with add_tab, st.form(form_key("add_candidate")):
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
            reset_form("add_candidate")
            st.toast(f"{name.strip()} ajouté·e.")
            st.rerun()

by_id = {c.id: c for c in snapshot.candidates}
YES_NO = labels.YES_NO_UNKNOWN

with edit_tab:
    if not by_id:
        st.caption("Ajoutez d'abord une candidature.")
    else:
        chosen = st.selectbox(
            "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="edit_candidate"
        )
        current = by_id[chosen]
        for flag in logistics_flags(recruitment, current):
            (st.error if flag.blocking else st.warning)(flag.message.capitalize())
        with st.form(f"edit_{chosen}"):
            name = st.text_input("Nom affiché", value=current.name)
            c1, c2 = st.columns(2)
            email = c1.text_input("Adresse électronique", value=current.email)
            source = c2.text_input("Origine", value=current.source)
            st.markdown("**Logistique (préqualification)**")
            c1, c2, c3 = st.columns(3)
            available = c1.date_input(
                "Disponible à partir du", value=current.available_from, format="DD/MM/YYYY"
            )
            days = c2.number_input(
                "Jours par semaine",
                min_value=0.0,
                max_value=5.0,
                step=0.5,
                value=current.days_per_week or 0.0,
                help="0 : pas encore demandé.",
            )
            rate = c3.number_input(
                "TJM demandé (€ HT)",
                min_value=0,
                step=10,
                value=current.expected_daily_rate or 0,
                help="0 : pas encore demandé.",
            )
            remote = c1.selectbox(
                "Accepte la politique de télétravail",
                list(YES_NO),
                format_func=YES_NO.get,
                index=list(YES_NO).index(current.remote_ok),
            )
            refs = c2.selectbox(
                "Accord pour la prise de références",
                list(YES_NO),
                format_func=YES_NO.get,
                index=list(YES_NO).index(current.references_agreed),
            )
            pool = c3.checkbox(
                "Consent à rester dans le vivier (2 ans)", value=current.talent_pool_consent
            )
            others = st.text_input("Autres démarches en cours", value=current.other_processes)
            if st.form_submit_button("Enregistrer la fiche"):
                try:
                    ctx.store.save_candidate(
                        replace(
                            current,
                            name=name,
                            email=email,
                            source=source,
                            available_from=available,
                            days_per_week=float(days) or None,
                            expected_daily_rate=int(rate) or None,
                            remote_ok=remote,
                            references_agreed=refs,
                            talent_pool_consent=pool,
                            other_processes=others,
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
            "chaque personne reçoit une réponse. Le choix final (« retenu·e ») revient à la "
            "personne responsable du recrutement."
        )
        chosen = st.selectbox(
            "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="decide_candidate"
        )
        row = status.set_index("candidate_id").loc[chosen]
        st.write(
            f"Étape actuelle : **{STAGE_BY_CODE[row['etape']].label}** · "
            f"statut : **{labels.CANDIDATE_STATUS[row['statut']]}**"
        )
        with st.form(form_key(f"decide_{chosen}")):
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
                    record = StageDecision(
                        id=new_id(),
                        candidate_id=chosen,
                        stage=stage,
                        decision=decision,
                        decided_by=ctx.user,
                        reason=reason,
                    )
                    responsible = (
                        ctx.store.member_role(recruitment.id, ctx.email) == "responsable"
                        if ctx.email
                        else None
                    )
                    check_decision(snapshot, record, responsible=responsible)
                    ctx.store.record_decision(record)
                except ValidationError as err:
                    st.error(str(err))
                else:
                    reset_form(f"decide_{chosen}")
                    st.toast("Décision enregistrée.")
                    st.rerun()

with report_tab:
    if not by_id:
        st.caption("Ajoutez d'abord une candidature.")
    else:
        st.caption(
            "Le compte rendu à reporter sur la page de la personne dans Welcome to the Jungle ; "
            "c'est aussi ce qu'elle reçoit si elle demande à voir ce qui a été écrit sur elle."
        )
        chosen = st.selectbox(
            "Personne", list(by_id), format_func=lambda i: by_id[i].name, key="report_candidate"
        )
        report = candidate_report_markdown(snapshot, chosen)
        st.download_button(
            "Télécharger le compte rendu (Markdown)",
            report,
            file_name=export_filename(
                recruitment.title, f"compte-rendu-{by_id[chosen].name}", "md", date.today()
            ),
            mime="text/markdown",
        )
        with st.container(border=True):
            st.markdown(report)
