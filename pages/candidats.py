"""Candidates of the recruitment: who is where, add or correct a person, logistics and consents,
stage decisions, who interviews whom, and the written report for the candidate."""

from __future__ import annotations

from datetime import date

import streamlit as st

from selection.domain import labels
from selection.services import candidates, catalogue, ratings
from selection.services.access import Action
from selection.services.downloads import file_name
from ui.bootstrap import start_page
from ui.widgets import (
    CHOOSE,
    attempt,
    date_field,
    decimal_fr,
    form_key,
    frozen,
    reloader,
    reset_form,
    steps,
    table_height,
    text,
    toast_after_rerun,
)

AVAILABLE = "Disponible à partir du"
OVERVIEW_ORDER = ["Candidat·e", "Étape", "Statut", "Dernière décision", "Références", "Signaux"]
OVERVIEW_ROW_HEIGHT = 84  # px: four lines of warning signs (above 4rem the grid wraps text)

ctx = start_page("Candidatures")
view = ctx.view
rid = view.id
people = view.candidate_by_id

st.caption(
    "Ne saisissez que ce qui sert au recrutement : identité, contact, parcours et compétences. "
    "Jamais de numéro de sécurité sociale, de coordonnées bancaires, ni d'information sur la "
    "famille, la santé ou l'apparence."
)

if people:
    # Fits the main column at 1280 px: contact and origin are on each person's record (tab
    # « Fiche et logistique »), warning signs wrap on up to four lines.
    overview = candidates.overview(view)
    st.dataframe(
        overview,
        hide_index=True,
        width="stretch",
        column_order=OVERVIEW_ORDER,
        row_height=OVERVIEW_ROW_HEIGHT,
        height=table_height(len(overview), OVERVIEW_ROW_HEIGHT),
        column_config={
            "Candidat·e": st.column_config.TextColumn(width=120),
            "Étape": st.column_config.TextColumn(width=150),
            "Statut": st.column_config.TextColumn(width=72),
            "Dernière décision": st.column_config.TextColumn("Décision", width=80),
            "Références": st.column_config.TextColumn(width=85),
            "Signaux": st.column_config.TextColumn(width=300),
        },
    )
else:
    st.info("Aucune candidature pour l'instant : ajoutez la première ci-dessous.")

add_tab, edit_tab, decide_tab, panel_tab, report_tab = st.tabs(
    ["Ajouter une candidature", "Fiche et logistique", "Décision d'étape", "Panel", "Compte rendu"]
)

with add_tab, st.form(form_key("add_candidate"), enter_to_submit=False):
    name = st.text_input("Nom affiché", placeholder="Prénom Nom", max_chars=200)
    email = st.text_input("Adresse électronique (facultatif)", max_chars=200)
    source = st.text_input(
        "Origine de la candidature", placeholder="Welcome to the Jungle, cooptation…", max_chars=100
    )
    if st.form_submit_button("Ajouter la candidature", type="primary"):
        done, _ = attempt(
            candidates.add, ctx.app, ctx.actor, rid, name=name, email=email, source=source
        )
        if done:
            reset_form("add_candidate")
            toast_after_rerun(f"{name.strip()} ajouté·e.")
            st.rerun()

YES_NO = labels.YES_NO_UNKNOWN


def choose(label: str, key: str) -> str:
    return st.selectbox(
        label, list(people), format_func=lambda i: view.shown_names[i], key=key, placeholder=CHOOSE
    )


with edit_tab:
    if not people:
        st.caption("Ajoutez d'abord une candidature, dans l'onglet « Ajouter une candidature ».")
    else:
        chosen = choose("Personne", "edit_candidate")
        _version, current = frozen(f"candidate_{chosen}", people[chosen])
        if current.version != people[chosen].version:
            st.info(
                "Cette fiche a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte."
            )
            st.button("Recharger la fiche", on_click=reloader(f"candidate_{chosen}"))
        for flag in candidates.logistics(view, chosen):
            message = flag.message[:1].upper() + flag.message[1:]
            (st.error if flag.blocking else st.warning)(text(message))
        with st.form(f"edit_{chosen}_{_version}", enter_to_submit=False):
            name = st.text_input("Nom affiché", value=current.name, max_chars=200)
            c1, c2 = st.columns(2)
            email = c1.text_input("Adresse électronique", value=current.email, max_chars=200)
            source = c2.text_input("Origine", value=current.source, max_chars=100)
            st.markdown("**Logistique (préqualification)**")
            c1, c2, c3 = st.columns(3)
            available = date_field(AVAILABLE, current.available_from, where=c1)
            days = c2.select_slider(
                "Jours par semaine",
                options=steps(0.0, 5.0, 0.5, keep=current.days_per_week),
                value=round(current.days_per_week or 0.0, 6),
                format_func=lambda d: decimal_fr(d) if d else "pas encore demandé",
            )
            rate = c3.number_input(
                "TJM demandé (€ HT)",
                min_value=0,
                step=10,
                value=current.expected_daily_rate or 0,
            )
            c3.caption("0 : pas encore demandé.")
            c1, c2, c3 = st.columns(3)
            remote = c1.radio(
                "Accepte la politique de télétravail",
                list(YES_NO),
                format_func=YES_NO.get,
                index=list(YES_NO).index(current.remote_ok),
            )
            refs = c2.radio(
                "Accord pour la prise de références",
                list(YES_NO),
                format_func=YES_NO.get,
                index=list(YES_NO).index(current.references_agreed),
            )
            pool = c3.checkbox(
                "Consent à rester dans le vivier (2 ans)", value=current.talent_pool_consent
            )
            others = st.text_input(
                "Autres démarches en cours", value=current.other_processes, max_chars=500
            )
            if st.form_submit_button("Enregistrer la fiche"):
                done, _ = attempt(
                    candidates.update,
                    ctx.app,
                    ctx.actor,
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
                    reload=reloader(f"candidate_{chosen}"),
                )
                if done:
                    reloader(f"candidate_{chosen}")()
                    toast_after_rerun("Fiche enregistrée.")
                    st.rerun()

with decide_tab:
    if not people:
        st.caption("Ajoutez d'abord une candidature, dans l'onglet « Ajouter une candidature ».")
    else:
        st.caption(
            "Après chaque étape, dites si la personne continue ou s'arrête, avec la raison : "
            "chaque personne reçoit une réponse. Le choix final (« retenu·e ») revient à la "
            "personne responsable du recrutement."
        )
        if not view.can(Action.STAGE_DECISION):
            st.info("Seule la personne responsable du recrutement enregistre les décisions.")
        chosen = choose("Personne", "decide_candidate")
        index = view.stage_index(chosen)
        st.write(
            f"Étape atteinte : **{catalogue.stage_label(catalogue.STAGE_CODES[index])}** · "
            f"statut : **{labels.CANDIDATE_STATUS[view.status_by_id.loc[chosen, 'statut']]}**"
        )
        stage = st.selectbox(
            "Étape",
            catalogue.STAGE_CODES,
            index=index,
            format_func=catalogue.stage_label,
            key=f"decide_stage_{chosen}",
            placeholder=CHOOSE,
        )
        _, base_decision = frozen(
            f"decision_{chosen}_{stage}", candidates.last_decision_id(view, chosen, stage)
        )
        recorded = candidates.decision_summary(view, chosen, stage)
        if recorded:
            st.info(text(recorded), icon=":material/history:")
        caveats = candidates.final_choice_caveats(view, chosen)
        if caveats and view.can(Action.FINAL_CHOICE):
            st.caption("Avant un choix final : " + text(" ".join(caveats)))
        with st.form(form_key(f"decide_{chosen}_{stage}"), enter_to_submit=False):
            decision = st.radio(
                "Décision",
                list(labels.DECISIONS),
                format_func=labels.DECISIONS.get,
                horizontal=True,
                index=None,
            )
            reason = st.text_area(
                "Raison",
                placeholder="Ce qui fonde la décision, en une ou deux phrases.",
                max_chars=2000,
            )
            if st.form_submit_button(
                "Enregistrer la décision",
                type="primary",
                disabled=not view.can(Action.STAGE_DECISION),
            ):
                if decision is None:
                    st.error("Choisissez une décision. Rien n'a été modifié.")
                else:
                    done, _ = attempt(
                        candidates.decide,
                        ctx.app,
                        ctx.actor,
                        chosen,
                        stage=stage,
                        decision=decision,
                        reason=reason,
                        base_decision_id=base_decision,
                        reload=reloader(f"decision_{chosen}_{stage}"),
                    )
                    if done:
                        reloader(f"decision_{chosen}_{stage}")()
                        reset_form(f"decide_{chosen}_{stage}")
                        toast_after_rerun("Décision enregistrée.")
                        st.rerun()

with panel_tab:
    if not people:
        st.caption("Ajoutez d'abord une candidature, dans l'onglet « Ajouter une candidature ».")
    else:
        st.caption(
            "Qui fait passer quel entretien : chaque personne affectée doit une évaluation, et "
            "ne voit ce que les autres ont écrit sur la personne qu'après avoir soumis la sienne."
        )
        can_assign = view.can(Action.ASSIGN_PANEL)
        chosen = choose("Personne", "panel_candidate")
        stage = st.selectbox(
            "Étape",
            catalogue.STAGE_CODES,
            index=view.stage_index(chosen),
            format_func=catalogue.stage_label,
            key=f"panel_stage_{chosen}",
            placeholder=CHOOSE,
        )
        current_panel = candidates.panel_of(view, chosen, stage)
        if current_panel:
            for a in current_panel:
                left, right = st.columns([4, 1])
                left.markdown(f"- {text(a.member_label)}")
                if can_assign and right.button("Retirer", key=f"unassign_{a.id}"):
                    done, _ = attempt(
                        ratings.unassign, ctx.app, ctx.actor, chosen, stage, a.member_key
                    )
                    if done:
                        st.rerun()
        else:
            st.caption("Personne n'est encore affecté·e à cet entretien.")
        if can_assign:
            with st.form(form_key(f"assign_{chosen}_{stage}"), enter_to_submit=False):
                known = candidates.assignable_people(view)
                if ctx.app.config.login:
                    who = st.selectbox(
                        "Membre à affecter",
                        [k for k, _ in known],
                        index=None,
                        placeholder=CHOOSE,
                    )
                else:
                    who = st.text_input("Nom de la personne à affecter", max_chars=200)
                    st.caption(
                        "Écrivez son nom tel qu'elle le tape dans la barre latérale"
                        + (
                            " (déjà connus ici : " + text(", ".join(n for _, n in known[:8])) + ")"
                            if known
                            else ""
                        )
                        + "."
                    )
                if st.form_submit_button("Affecter"):
                    done, _ = attempt(
                        ratings.assign,
                        ctx.app,
                        ctx.actor,
                        chosen,
                        stage,
                        member_key=who or "",
                        member_name=who or "",
                    )
                    if done:
                        reset_form(f"assign_{chosen}_{stage}")
                        toast_after_rerun("Panel mis à jour.")
                        st.rerun()
        else:
            st.caption("Seule la personne responsable du recrutement compose les panels.")

with report_tab:
    if not people:
        st.caption("Ajoutez d'abord une candidature, dans l'onglet « Ajouter une candidature ».")
    else:
        st.caption(
            "Le compte rendu à reporter sur la page de la personne dans Welcome to the Jungle ; "
            "c'est aussi ce qu'elle reçoit si elle demande à voir ce qui a été écrit sur elle."
        )
        chosen = choose("Personne", "report_candidate")
        if view.is_blinded(chosen):
            st.info(
                "Vous êtes dans un panel de cette personne et n'avez pas encore soumis votre "
                "évaluation : le compte rendu ne montre que ce que vous avez écrit."
            )
        report = candidates.report_markdown(view, chosen)
        st.download_button(
            "Télécharger le compte rendu (Markdown)",
            report,
            file_name=file_name(view, f"compte-rendu-{people[chosen].name}", "md", date.today()),
            mime="text/markdown",
        )
        with st.container(border=True):
            st.markdown(report, anchors=False)
