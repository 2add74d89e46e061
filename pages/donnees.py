"""Data and personal-data duties: backup and restore, spreadsheet imports, retention and purge,
the rights of access and erasure, and the audit log."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from selection.documents.exports import export_filename
from selection.domain.model import ValidationError
from selection.services.imports import template_csv
from selection.services.retention import (
    RetentionSettings,
    access_export,
    load_settings,
    purge,
    save_settings,
    to_purge,
)
from selection.storage.backup import backup_filename, export_backup, import_backup
from selection.storage.csv_import import import_candidates_into, import_criteria_into
from selection.storage.store import now
from ui.bootstrap import require_user, start_page

ctx = start_page("Données et protection des données", needs_recruitment=False)
store, recruitment = ctx.store, ctx.recruitment

backup_tab, import_tab, retention_tab, rights_tab, audit_tab = st.tabs(
    ["Sauvegarde", "Import de tableur", "Conservation", "Droits des personnes", "Journal"]
)

with backup_tab:
    st.caption(
        "Un fichier unique (JSON) avec tout le contenu : à garder en lieu sûr, il contient des "
        "données personnelles. L'import vérifie tout le fichier avant d'écrire quoi que ce soit."
    )
    if recruitment is not None:
        st.download_button(
            f"Sauvegarder « {recruitment.title} »",
            lambda: export_backup(store, recruitment.id, actor=ctx.user),
            file_name=backup_filename(recruitment.title, date.today()),
            mime="application/json",
        )
    if ctx.email is None:  # with login on, a person only ever exports their own recruitments
        st.download_button(
            "Tout sauvegarder",
            lambda: export_backup(store, None, actor=ctx.user),
            file_name=backup_filename("tout", date.today()),
            mime="application/json",
        )
    uploaded = st.file_uploader("Restaurer une sauvegarde", type=["json"], key="restore")
    if uploaded is not None and st.button("Importer la sauvegarde", type="primary"):
        try:
            with st.spinner("Vérification puis import de la sauvegarde…"):
                summary = import_backup(store, uploaded.getvalue(), actor=ctx.user)
        except ValidationError as err:
            st.error(str(err))
        else:
            st.success(summary.sentence())

with import_tab:
    if recruitment is None:
        st.info("Créez d'abord un recrutement dans **Cadrage**.")
    else:
        st.caption(
            "Fichier CSV d'Excel ou de Grist, séparé par « ; » ou « , », en UTF-8. Une ligne "
            "invalide bloque tout le fichier : rien n'est ajouté à moitié."
        )
        kinds = {"criteria": "Critères", "candidates": "Candidatures"}
        kind = st.radio("Contenu du fichier", list(kinds), format_func=kinds.get, horizontal=True)
        st.download_button(
            f"Télécharger le modèle ({kinds[kind].lower()})",
            template_csv(kind),
            file_name=f"modele-{'criteres' if kind == 'criteria' else 'candidatures'}.csv",
            mime="text/csv",
        )
        data = st.file_uploader("Fichier à importer", type=["csv", "txt"], key=f"csv_{kind}")
        if data is not None and st.button("Importer le fichier", type="primary"):
            importer = import_criteria_into if kind == "criteria" else import_candidates_into
            try:
                with st.spinner("Vérification du fichier…"):
                    result = importer(store, recruitment.id, data.getvalue(), ctx.user)
            except ValidationError as err:
                st.error(str(err))
            else:
                st.success(result.sentence(kinds[kind].lower()))

with retention_tab:
    settings = load_settings(store)
    st.caption(
        "Les données des personnes non retenues se gardent au plus 3 mois après la fin du "
        "recrutement, ou 2 ans après le dernier contact si elles ont accepté de rester dans le "
        "vivier. Clore un recrutement (Cadrage) lance le délai."
    )
    with st.form("retention"):
        c1, c2 = st.columns(2)
        months = c1.number_input(
            "Sans consentement (mois après la clôture)", 0, 3, settings.unsuccessful_months
        )
        pool = c2.number_input(
            "Vivier, avec consentement (mois après le dernier contact)",
            0,
            24,
            settings.talent_pool_months,
        )
        if st.form_submit_button("Enregistrer les durées") and require_user(ctx.user):
            try:
                save_settings(store, RetentionSettings(int(months), int(pool)), ctx.user)
            except ValidationError as err:
                st.error(str(err))
            else:
                st.toast("Durées enregistrées.")
    due = to_purge(store, now().date())
    if ctx.email is not None:
        mine = {r.id for r in store.list_recruitments(ctx.email)}
        due = [item for item in due if item.recruitment_id in mine]
    if not due:
        st.success("Aucune donnée à supprimer aujourd'hui.")
    else:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "Personne": i.candidate_name,
                        "Recrutement": i.recruitment_title,
                        "Motif": i.reason,
                        "À supprimer depuis le": i.due.strftime("%d/%m/%Y"),
                    }
                    for i in due
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        confirm = st.checkbox(
            f"Je confirme la suppression définitive de {len(due)} personne(s) et de tout ce qui "
            "les concerne."
        )
        if st.button("Supprimer ces données", disabled=not confirm) and require_user(ctx.user):
            count = purge(store, due, ctx.user)
            st.toast(f"{count} personne(s) supprimée(s).")
            st.rerun()

with rights_tab:
    if recruitment is None:
        st.info("Aucun recrutement.")
    else:
        people = {c.id: c for c in store.list_candidates(recruitment.id)}
        if not people:
            st.info("Aucune candidature dans ce recrutement.")
        else:
            chosen = st.selectbox(
                "Personne", list(people), format_func=lambda i: people[i].name, key="rights_person"
            )
            st.markdown("**Droit d'accès** : tout ce qui est conservé sur cette personne.")
            st.download_button(
                "Télécharger tout ce qui la concerne (Markdown)",
                lambda: access_export(store, chosen, actor=ctx.user),
                file_name=export_filename(
                    recruitment.title, f"donnees-{people[chosen].name}", "md", date.today()
                ),
                mime="text/markdown",
            )
            st.markdown(
                "**Droit à l'effacement** : supprime la personne et tout ce qui la concerne."
            )
            typed = st.text_input("Pour confirmer, tapez son nom", key="erase_confirm")
            if st.button(
                "Effacer cette personne", disabled=typed.strip() != people[chosen].name
            ) and require_user(ctx.user):
                store.delete_candidate(chosen, ctx.user, "demande d'effacement")
                st.toast("Personne effacée.")
                st.rerun()

with audit_tab:
    entries = store.list_audit()
    if ctx.email is not None:
        mine = {r.id for r in store.list_recruitments(ctx.email)}
        entries = [e for e in entries if e["recruitment_id"] in mine or e["actor"] == ctx.user]
    st.caption(
        "Décisions finales, exports, imports, suppressions et connexions : qui, quand, quoi."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Quand": e["at"],
                    "Qui": e["actor"],
                    "Action": e["action"],
                    "Objet": e["subject"],
                    "Détail": e["details"],
                }
                for e in entries
            ],
            columns=["Quand", "Qui", "Action", "Objet", "Détail"],
        ),
        hide_index=True,
        width="stretch",
    )
