"""Data and personal-data duties: backup and restore, spreadsheet imports, retention and purge,
the rights of access and erasure, and the journal."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from selection.domain import labels
from selection.services import data, retention
from selection.services.access import Action
from selection.services.downloads import file_name
from ui.bootstrap import select_recruitment, start_page
from ui.widgets import CHOOSE, LIVE_TYPING, attempt, table_height, text, toast_after_rerun

# The size limits the services check, also given to the file pickers so they announce and
# enforce the same figure (tests/app/test_data_page.py checks it).
RESTORE_MAX_MB = data.RESTORE_MAX_MB
CSV_MAX_MB = data.CSV_MAX_MB

ctx = start_page("Données et protection des données", needs_recruitment=False)
view = ctx.view if ctx.recruitment_id else None
today = date.today()

backup_tab, import_tab, retention_tab, rights_tab, audit_tab = st.tabs(
    ["Sauvegarde", "Import de tableur", "Conservation", "Droits des personnes", "Journal"]
)

with backup_tab:
    st.caption(
        "Un fichier unique (JSON) avec tout le contenu : à garder en lieu sûr, il contient des "
        "données personnelles. L'import vérifie tout le fichier avant d'écrire quoi que ce soit, "
        "et la personne qui restaure devient la seule membre du recrutement restauré."
    )
    if view is not None and view.can(Action.BACKUP):
        st.download_button(
            f"Sauvegarder « {view.recruitment.title} »",
            lambda: data.backup(ctx.app, ctx.actor, view.id),
            file_name=data.backup_filename(view.recruitment.title, today),
            mime="application/json",
            on_click="ignore",  # no rerun: the other buttons' files stay valid
        )
        st.caption(text(data.backup_scope_note(view)))
    elif view is not None:
        st.caption("Seule la personne responsable du recrutement le sauvegarde.")
    if not ctx.app.config.login or ctx.actor.admin:
        st.download_button(
            "Tout sauvegarder",
            lambda: data.backup_all(ctx.app, ctx.actor),
            file_name=data.backup_filename("tout", today),
            mime="application/json",
            on_click="ignore",  # no rerun: the other buttons' files stay valid
        )
    uploaded = st.file_uploader(
        "Restaurer une sauvegarde",
        type=["json"],
        key="restore",
        max_upload_size=RESTORE_MAX_MB,
    )
    st.caption(f"Un fichier de sauvegarde (.json) de {RESTORE_MAX_MB} Mo au plus.")
    as_copy = st.checkbox(
        "Importer comme copie (nouveaux identifiants : à côté du recrutement d'origine)",
        key="restore_copy",
    )
    if uploaded is not None and st.button("Importer la sauvegarde", type="primary"):
        bar = st.progress(0.0, text="Vérification de la sauvegarde…")
        done, summary = attempt(
            data.restore,
            ctx.app,
            ctx.actor,
            uploaded.getvalue(),
            as_copy=as_copy,
            progress=lambda share, message: bar.progress(min(max(share, 0.0), 1.0), text=message),
        )
        bar.empty()
        if done:
            toast_after_rerun(summary.sentence())
            if summary.recruitment_ids:
                select_recruitment(summary.recruitment_ids[-1])
            st.rerun()

with import_tab:
    if view is None:
        st.info("Créez d'abord un recrutement dans **Cadrage**.")
    else:
        st.caption(
            "Fichier CSV d'Excel ou de Grist, séparé par « ; » ou « , », en UTF-8. "
            + data.IMPORT_LIMITS
            + " Une ligne invalide bloque tout le fichier : rien n'est ajouté à moitié."
        )
        kinds = {"criteria": "Critères", "candidates": "Candidatures"}
        kind = st.radio("Contenu du fichier", list(kinds), format_func=kinds.get, horizontal=True)
        st.download_button(
            f"Télécharger le modèle ({kinds[kind].lower()})",
            data.template_csv(kind),
            file_name=f"modele-{'criteres' if kind == 'criteria' else 'candidatures'}.csv",
            mime="text/csv",
        )
        upload = st.file_uploader(
            "Fichier à importer",
            type=["csv", "txt"],
            key=f"csv_{kind}",
            max_upload_size=CSV_MAX_MB,
        )
        if upload is not None and st.button("Importer le fichier", type="primary"):
            bar = st.progress(0.0, text="Vérification du fichier…")
            done, result = attempt(
                data.import_csv,
                ctx.app,
                ctx.actor,
                view.id,
                kind,
                upload.getvalue(),
                progress=lambda share, message: bar.progress(
                    min(max(share, 0.0), 1.0), text=message
                ),
            )
            bar.empty()
            if done:
                st.success(result.sentence(kinds[kind].lower()))

with retention_tab:
    settings = data.retention_settings(ctx.app)
    st.caption(
        "Les données des personnes non retenues se gardent au plus 3 mois après la fin du "
        "recrutement, ou 2 ans après le dernier contact si elles ont accepté de rester dans le "
        "vivier. Clore un recrutement (Cadrage) lance le délai."
    )
    may_set = not ctx.app.config.login or ctx.actor.admin
    with st.form("retention", enter_to_submit=False):
        c1, c2 = st.columns(2)
        months = c1.select_slider(
            "Sans consentement (mois après la clôture)",
            options=list(range(0, 4)),
            value=settings.unsuccessful_months,
            format_func=lambda m: f"{m} mois",
            disabled=not may_set,
        )
        pool = c2.select_slider(
            "Vivier, avec consentement (mois après le dernier contact)",
            options=list(range(0, 25)),
            value=settings.talent_pool_months,
            format_func=lambda m: f"{m} mois",
            disabled=not may_set,
        )
        if st.form_submit_button("Enregistrer les durées", disabled=not may_set):
            done, _ = attempt(
                data.save_retention_settings,
                ctx.app,
                ctx.actor,
                retention.RetentionSettings(int(months), int(pool)),
            )
            if done:
                st.toast("Durées enregistrées.")
    if not may_set:
        st.caption("Seules les personnes administratrices de l'outil règlent ces durées.")
    due = data.due_for_purge(ctx.app, ctx.actor, today)
    if not due:
        st.success(
            "Aucune donnée à supprimer aujourd'hui dans les recrutements dont vous avez la charge."
        )
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
            row_height=66,
            height=table_height(len(due), 66),
            column_config={
                "Personne": st.column_config.TextColumn(width=150),
                "Recrutement": st.column_config.TextColumn(width=170),
                "Motif": st.column_config.TextColumn(width=330),
                "À supprimer depuis le": st.column_config.TextColumn(width=150),
            },
        )
        confirm = st.checkbox(
            f"Je confirme la suppression définitive de {labels.counted(len(due), 'personne')} et "
            "de tout ce qui les concerne."
        )
        if st.button("Supprimer ces données", disabled=not confirm):
            done, count = attempt(data.purge, ctx.app, ctx.actor, due, today)
            if done:
                toast_after_rerun(
                    f"{labels.counted(count, 'personne supprimée', 'personnes supprimées')}."
                )
                st.rerun()

with rights_tab:
    if view is None:
        st.info("Aucun recrutement : créez-en un dans **Cadrage**.")
    elif not view.can(Action.ACCESS_EXPORT):
        st.info(
            "Seule la personne responsable du recrutement (ou une personne administratrice) "
            "répond aux demandes d'accès et d'effacement."
        )
    else:
        people = view.candidate_by_id
        if not people:
            st.info("Aucune candidature dans ce recrutement.")
        else:
            chosen = st.selectbox(
                "Personne",
                list(people),
                format_func=lambda i: view.shown_names[i],
                key="rights_person",
                placeholder=CHOOSE,
            )
            st.markdown("**Droit d'accès** : tout ce qui est conservé sur cette personne.")
            st.download_button(
                "Télécharger tout ce qui la concerne (Markdown)",
                lambda: data.access_export(ctx.app, ctx.actor, chosen),
                file_name=file_name(view, f"donnees-{people[chosen].name}", "md", today),
                mime="text/markdown",
                on_click="ignore",  # no rerun: the other buttons' files stay valid
            )
            st.markdown(
                "**Droit à l'effacement** : supprime la personne et tout ce qui la concerne."
            )
            typed = st.text_input(
                "Pour confirmer, tapez son nom", key="erase_confirm", live=LIVE_TYPING
            )
            if st.button("Effacer cette personne", disabled=typed.strip() != people[chosen].name):
                done, _ = attempt(
                    data.erase,
                    ctx.app,
                    ctx.actor,
                    chosen,
                    typed_name=typed,
                    reason="demande d'effacement",
                )
                if done:
                    toast_after_rerun("Personne effacée.")
                    st.rerun()

with audit_tab:
    entries = data.journal(ctx.app, ctx.actor)
    st.caption(
        "Connexions, décisions, modifications du cadrage, imports, exports et suppressions : "
        "qui, quand, quoi. " + data.journal_scope(ctx.app)
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Quand": e.at,
                    "Qui": e.actor,
                    "Action": e.action,
                    "Recrutement": e.recruitment,
                    "Objet": e.subject,
                    "Détail": e.details,
                }
                for e in entries
            ],
            columns=["Quand", "Qui", "Action", "Recrutement", "Objet", "Détail"],
        ),
        hide_index=True,
        width="stretch",
        row_height=66,
        height=table_height(len(entries), 66, max_rows=10),
        column_config={
            "Quand": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm", width=125),
            "Qui": st.column_config.TextColumn(width=120),
            "Action": st.column_config.TextColumn(width=140),
            "Recrutement": st.column_config.TextColumn(width=140),
            "Objet": st.column_config.TextColumn(width=130),
            "Détail": st.column_config.TextColumn(width=150),
        },
    )
    if not entries:
        st.caption(text("Le journal est vide pour l'instant."))
