"""Decision meeting: ranking in three views, what-if weights, rating grid, export."""

from __future__ import annotations

from datetime import date

import streamlit as st

from selection.charts.comparison import (
    heatmap_chart,
    heatmap_frame,
    probability_chart,
    ranking_chart,
    spread_chart,
    spread_frame,
    stage_evolution_chart,
)
from selection.domain import labels
from selection.services import brief, catalogue, data, meeting
from selection.services.access import Action
from selection.services.errors import UserError
from ui.bootstrap import start_page
from ui.widgets import attempt, frozen, reloader, show_chart, text, toast_after_rerun

ctx = start_page("Comparaison des candidatures")
view = ctx.view
snapshot = view.snapshot

if not snapshot.criteria:
    st.info("Le cadrage n'a pas encore de critère : ajoutez-en dans **Cadrage** pour comparer.")
    st.stop()
if not snapshot.candidates:
    st.info("Aucune candidature : ajoutez des personnes dans **Candidatures**.")
    st.stop()

blinded = meeting.blinded_names(view)
if blinded:
    st.warning(
        "Vous êtes dans le panel de "
        + text(", ".join(blinded))
        + " sans avoir soumis votre évaluation : ces personnes apparaissent sans les notes des "
        "autres, jusqu'à ce que vous soumettiez la vôtre (page **Évaluations**)."
    )

left, middle, right = st.columns([1, 1, 2])
scope = left.segmented_control(
    "Candidatures", ["En cours", "Toutes"], default="En cours", key="cmp_scope"
)
min_stage = middle.selectbox(
    "Étape atteinte au minimum",
    options=list(catalogue.STAGE_CODES),
    format_func=catalogue.stage_label,
    key="cmp_min_stage",
)
score_view = right.radio(
    "Vue du score",
    options=list(labels.SCORE_VIEWS),
    format_func=labels.SCORE_VIEWS.get,
    horizontal=True,
    key="cmp_view",
)
try:
    prepared = meeting.prepare(view, active_only=(scope != "Toutes"), min_stage=min_stage)
except UserError as err:
    st.error(str(err))
    st.stop()
if prepared is None:
    st.info("Aucune candidature ne correspond à ces filtres : élargissez-les.")
    st.stop()

# What the sliders started from (snapshot in): saving sends only the weights moved since.
weights_version, weights_base = frozen(f"meeting_weights_{view.id}", list(snapshot.criteria))


def reset_weights() -> None:
    reloader(f"meeting_weights_{view.id}")()


@st.fragment
def what_if() -> None:
    with st.expander("Pondérations (simulation pour la réunion)", expanded=False):
        st.caption(
            "Déplacez les curseurs pour voir l'effet sur le classement. Le cadrage ne change "
            "que si vous enregistrez ; seuls les poids déplacés sont enregistrés."
        )
        cols = st.columns(3)
        weights = {}
        for i, crit in enumerate(weights_base):
            weights[crit.id] = cols[i % 3].slider(
                crit.label,
                min_value=0.0,
                max_value=3.0,
                step=0.1,
                value=float(crit.weight),
                key=f"w_{crit.id}_{weights_version}",
                help=f"Niveau du cadrage : {labels.WEIGHT_LEVELS[crit.weight_level]}",
            )
        changed = meeting.weights_changed(snapshot.criteria, weights)
        save, reset, _ = st.columns([2, 2, 3])
        save_clicked = save.button(
            "Enregistrer ces pondérations dans le cadrage",
            disabled=not changed or not view.can(Action.EDIT_BRIEF),
            type="primary",
        )
        reset.button(
            "Revenir aux pondérations du cadrage", disabled=not changed, on_click=reset_weights
        )
        if save_clicked:
            done, saved = attempt(
                brief.save_weights,
                ctx.app,
                ctx.actor,
                view.id,
                weights_base,
                weights,
                reload=reset_weights,
            )
            if done:
                reset_weights()
                toast_after_rerun(
                    "Pondérations enregistrées dans le cadrage : " + ", ".join(saved) + "."
                )
                st.rerun()
    warning_slot = st.empty()
    if changed:
        warning_slot.warning(
            "Simulation : ces pondérations ne sont pas celles du cadrage enregistré."
        )

    try:
        comparison = meeting.weigh(prepared, weights)
        robustness = meeting.robustness(prepared, comparison, weights)
    except UserError as err:
        st.error(str(err))
        return

    probabilities = robustness.probability_by_id()
    table = meeting.display_table(
        comparison, view.status, score_view, meeting.signals(prepared, comparison), probabilities
    )
    st.info(text(robustness.summary), icon=":material/balance:")
    st.header("Classement")
    show_chart(ranking_chart(comparison, score_view))
    st.caption(
        "Barres : apport de chaque critère. Trait noir : intervalle entre le pire et le meilleur "
        "cas si les critères non évalués étaient notés 1 ou 3 ; repère vertical : score actuel."
    )
    st.dataframe(table, hide_index=True, width="stretch")

    with st.expander("Apport de chaque critère au score (données du classement)"):
        st.dataframe(meeting.contribution_table(comparison, score_view), width="stretch")

    st.header("Ce qui reste à vérifier")
    gaps = meeting.gaps(prepared, weights)
    gap_lines = [f"{g.candidate_name} — {g.criterion_label} : {g.reason}" for g in gaps]
    if not gaps:
        st.caption("Aucun manque de preuve, désaccord ni doute chez les personnes en tête.")
    else:
        st.caption(
            "Pour les personnes en tête : critères sans preuve ou avec une preuve partielle, "
            "désaccords forts et doutes notés — les points décisifs d'abord. La page "
            "**Références** en tire le guide d'appel."
        )
        st.dataframe(
            meeting.gap_table(gaps),
            hide_index=True,
            width="stretch",
            column_config={"Pourquoi": st.column_config.TextColumn(width="large")},
        )

    st.header("Solidité du classement")
    st.caption(
        f"Pondérations tirées au hasard à ±{robustness.spread:.0%} autour de celles choisies, "
        f"{robustness.samples} tirages (graine {robustness.seed}) : part des tirages où chaque "
        "personne arrive en tête."
    )
    chart_col, flips_col = st.columns([3, 2])
    show_chart(probability_chart(robustness.to_frame()), chart_col)
    flips_col.markdown("**Poids qui ferait changer la tête du classement**")
    flips_col.dataframe(
        meeting.flips_table(robustness.flips_frame()), hide_index=True, width="stretch"
    )
    with st.expander("Données du graphique"):
        st.dataframe(
            meeting.probability_table(robustness.to_frame()), hide_index=True, width="stretch"
        )

    st.header("Évolution au fil des étapes")
    evolution = meeting.evolution(prepared, comparison, weights)
    if evolution.empty:
        st.caption("Aucune note soumise pour l'instant.")
    else:
        show_chart(stage_evolution_chart(evolution))
        with st.expander("Données du graphique"):
            st.dataframe(meeting.evolution_table(evolution), hide_index=True, width="stretch")

    st.header("Exporter")
    today = date.today()
    extra = {
        "Probabilité d'être en tête (%)": {k: round(v * 100, 1) for k, v in probabilities.items()}
    }
    files = meeting.csv_files(prepared, comparison, extra, today, score_view=score_view)
    for col, (label, help_text, payload, name) in zip(st.columns(len(files)), files, strict=True):
        col.download_button(
            f"Télécharger le CSV — {label}",
            data=payload,
            file_name=name,
            mime="text/csv",
            help=help_text,
            key=f"csv_{label}",
            on_click=data.record_download,
            args=(ctx.app, ctx.actor, view.id, "CSV de la comparaison", name),
        )
    record = meeting.decision_record_files(
        prepared, comparison, robustness.summary, gap_lines, today
    )
    for col, (label, content, name, mime) in zip(st.columns(len(record)), record, strict=True):
        col.download_button(
            label,
            content,
            file_name=name,
            mime=mime,
            on_click=data.record_download,
            args=(ctx.app, ctx.actor, view.id, "relevé de décision", name),
        )


what_if()

# Ratings do not depend on the weights: drawn once per full run, outside the fragment, in the
# order of the saved brief's ranking.
st.header("Notes par critère")
order = list(prepared.base.ranked(score_view)["candidat"])
show_chart(heatmap_chart(prepared.base, order))
st.caption("Moyenne des notes soumises (1 à 3) ; « n.é. » : non évalué, jamais compté comme zéro.")
with st.expander("Données de la grille"):
    grid = heatmap_frame(prepared.base, order).pivot(
        index="candidat", columns="critere", values="etiquette"
    )
    st.dataframe(grid.reindex(order), width="stretch")

st.header("Désaccords entre évaluateurs")
spread = spread_frame(prepared.base)
if spread.empty:
    st.caption("Pas encore deux évaluateurs sur un même critère.")
else:
    show_chart(spread_chart(prepared.base))
    st.caption("Trait pointillé : écart de 2 points, seuil d'un désaccord fort à lever.")
    with st.expander("Données du graphique"):
        st.dataframe(spread, hide_index=True, width="stretch")
