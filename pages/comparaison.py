"""Decision meeting: ranking in three views, what-if weights, rating grid, export."""

from __future__ import annotations

import streamlit as st

from selection.analysis.gaps import shortlist_gaps
from selection.analysis.meeting import (
    analyse_robustness,
    contribution_table,
    display_table,
    evolution_table,
    filter_candidates,
    flips_table,
    gap_table,
    probability_table,
    weights_changed,
)
from selection.analysis.progress import candidate_status
from selection.analysis.scoring import compare, stage_means, stage_scores_from
from selection.analysis.signals import candidate_signals
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
from selection.domain.model import ValidationError
from selection.domain.stages import STAGES
from ui.bootstrap import start_page
from ui.widgets import csv_downloads, decision_record_downloads, show_chart

ctx = start_page("Comparaison des candidatures")
snapshot = ctx.store.snapshot(ctx.recruitment.id)

if not snapshot.criteria:
    st.info("Le cadrage n'a pas encore de critère : ajoutez-en dans **Cadrage** pour comparer.")
    st.stop()
if not snapshot.candidates:
    st.info("Aucune candidature : ajoutez des personnes dans **Candidatures**.")
    st.stop()

status = candidate_status(snapshot)
if ctx.user and any(
    e.interviewer == ctx.user and e.status == "brouillon" for e in snapshot.evaluations
):
    st.warning(
        "Vous avez des évaluations en brouillon : soumettez-les (page **Évaluations**) avant de "
        "voir la comparaison, pour que vos notes restent indépendantes des autres."
    )
    st.stop()
left, middle, right = st.columns([1, 1, 2])
scope = left.segmented_control(
    "Candidatures", ["En cours", "Toutes"], default="En cours", key="cmp_scope"
)
min_stage = middle.selectbox(
    "Étape atteinte au minimum",
    options=[s.code for s in STAGES],
    format_func=lambda code: next(s.label for s in STAGES if s.code == code),
    key="cmp_min_stage",
)
view = right.radio(
    "Vue du score",
    options=list(labels.SCORE_VIEWS),
    format_func=labels.SCORE_VIEWS.get,
    horizontal=True,
    key="cmp_view",
)
shown_ids = filter_candidates(status, active_only=(scope != "Toutes"), min_stage=min_stage)
if not shown_ids:
    st.info("Aucune candidature ne correspond à ces filtres : élargissez-les.")
    st.stop()


def reset_weights() -> None:
    for c in snapshot.criteria:
        st.session_state[f"w_{c.id}"] = float(c.weight)


# Computed once per full run; the fragment below re-weights them on every slider move.
per_stage = stage_means(snapshot)
saved_weights = {c.id: c.weight for c in snapshot.criteria}
try:
    base_comparison = compare(snapshot, candidate_ids=shown_ids)
except ValidationError as err:
    st.error(str(err))
    st.stop()


@st.fragment
def meeting() -> None:
    with st.expander("Pondérations (simulation pour la réunion)", expanded=False):
        st.caption(
            "Déplacez les curseurs pour voir l'effet sur le classement. Le cadrage ne change "
            "que si vous enregistrez."
        )
        cols = st.columns(3)
        weights = {}
        for i, crit in enumerate(snapshot.criteria):
            weights[crit.id] = cols[i % 3].slider(
                crit.label,
                min_value=0.0,
                max_value=3.0,
                step=0.1,
                value=float(crit.weight),
                key=f"w_{crit.id}",
                help=f"Niveau du cadrage : {labels.WEIGHT_LEVELS[crit.weight_level]}",
            )
        changed = weights_changed(snapshot.criteria, weights)
        save, reset, _ = st.columns([2, 2, 3])
        save_clicked = save.button(
            "Enregistrer ces pondérations dans le cadrage", disabled=not changed, type="primary"
        )
        reset.button(
            "Revenir aux pondérations du cadrage", disabled=not changed, on_click=reset_weights
        )
        if save_clicked:
            try:
                ctx.store.update_weights(snapshot.recruitment.id, weights)
            except ValidationError as err:
                st.error(str(err))
            else:
                st.success("Pondérations enregistrées dans le cadrage.")
                st.rerun()
    if changed:
        st.warning("Simulation : ces pondérations ne sont pas celles du cadrage enregistré.")

    try:
        comparison = compare(snapshot, weights, candidate_ids=shown_ids)
        robustness = analyse_robustness(snapshot, comparison, weights, shown_ids)
    except ValidationError as err:
        st.error(str(err))
        return

    probabilities = robustness.probability_by_id()
    table = display_table(
        comparison, status, view, candidate_signals(snapshot, comparison), probabilities
    )
    st.info(robustness.summary, icon=":material/balance:")
    st.header("Classement")
    show_chart(ranking_chart(comparison, view))
    st.caption(
        "Barres : apport de chaque critère. Trait noir : intervalle entre le pire et le meilleur "
        "cas si les critères non évalués étaient notés 1 ou 3 ; repère vertical : score actuel."
    )
    st.dataframe(table, hide_index=True, width="stretch")

    with st.expander("Apport de chaque critère au score (données du classement)"):
        st.dataframe(contribution_table(comparison, view), width="stretch")

    st.header("Ce qui reste à vérifier")
    gaps = shortlist_gaps(snapshot, weights, candidate_ids=shown_ids)
    gap_lines = [f"{g.candidate_name} — {g.criterion_label} : {g.reason}" for g in gaps]
    if not gaps:
        st.caption("Aucun manque de preuve, désaccord ni doute chez les personnes en tête.")
    else:
        st.caption(
            "Pour les personnes en tête : critères sans preuve ou avec une preuve partielle, "
            "désaccords forts et doutes notés — les points décisifs d'abord. La page "
            "**Références** en tire le guide d'appel."
        )
        st.dataframe(gap_table(gaps), hide_index=True, width="stretch")

    st.header("Solidité du classement")
    st.caption(
        f"Pondérations tirées au hasard à ±{robustness.spread:.0%} autour de celles choisies, "
        f"{robustness.samples} tirages (graine {robustness.seed}) : part des tirages où chaque "
        "personne arrive en tête."
    )
    chart_col, flips_col = st.columns([3, 2])
    show_chart(probability_chart(robustness.to_frame()), chart_col)
    flips_col.markdown("**Poids qui ferait changer la tête du classement**")
    flips_col.dataframe(flips_table(robustness.flips_frame()), hide_index=True, width="stretch")
    with st.expander("Données du graphique"):
        st.dataframe(probability_table(robustness.to_frame()), hide_index=True, width="stretch")

    st.header("Évolution au fil des étapes")
    evolution = stage_scores_from(per_stage, weights, saved_weights)
    evolution = evolution[evolution["candidat"].isin(comparison.ranked_names)]
    if evolution.empty:
        st.caption("Aucune note soumise pour l'instant.")
    else:
        show_chart(stage_evolution_chart(evolution))
        with st.expander("Données du graphique"):
            st.dataframe(evolution_table(evolution), hide_index=True, width="stretch")

    st.header("Exporter")
    csv_downloads(
        comparison,
        status,
        snapshot.recruitment.title,
        extra={
            "Probabilité d'être en tête (%)": {
                k: round(v * 100, 1) for k, v in probabilities.items()
            }
        },
    )
    decision_record_downloads(snapshot, comparison, robustness.summary, gap_lines, ctx.user)


meeting()

# Ratings do not depend on the weights: drawn once per full run, outside the fragment, in the
# order of the saved brief's ranking.
st.header("Notes par critère")
order = list(base_comparison.ranked(view)["candidat"])
show_chart(heatmap_chart(base_comparison, order))
st.caption("Moyenne des notes soumises (1 à 3) ; « n.é. » : non évalué, jamais compté comme zéro.")
with st.expander("Données de la grille"):
    grid = heatmap_frame(base_comparison, order).pivot(
        index="candidat", columns="critere", values="etiquette"
    )
    st.dataframe(grid.reindex(order), width="stretch")

st.header("Désaccords entre évaluateurs")
spread = spread_frame(base_comparison)
if spread.empty:
    st.caption("Pas encore deux évaluateurs sur un même critère.")
else:
    show_chart(spread_chart(base_comparison))
    st.caption("Trait pointillé : écart de 2 points, seuil d'un désaccord fort à lever.")
    with st.expander("Données du graphique"):
        st.dataframe(spread, hide_index=True, width="stretch")
