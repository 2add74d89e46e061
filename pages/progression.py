"""Where everyone stands, and who is waiting for an answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from selection.charts.progress import funnel_chart, timeline_chart
from selection.services import progress
from ui.bootstrap import start_page
from ui.widgets import show_chart

ctx = start_page("Progression du processus")
view = ctx.view

if not view.snapshot.candidates:
    st.info("Aucune candidature : ajoutez des personnes dans **Candidatures**.")
    st.stop()

st.header("Qui attend une réponse ?", anchor=False)
waiting = progress.waiting(view)
if waiting.empty:
    st.success("Personne n'attend de réponse : chaque personne en cours a une décision à jour.")
else:
    st.caption(
        "Chaque personne reçoit une réponse. Voici celles qui sont en cours sans décision à "
        "leur étape actuelle, de la plus longue attente à la plus courte."
    )
    st.dataframe(
        waiting.drop(columns="candidate_id"),
        hide_index=True,
        width="stretch",
        column_config={"Dernier contact": st.column_config.DatetimeColumn(format="DD/MM/YYYY")},
    )

st.header("Entonnoir", anchor=False)
funnel_data = progress.funnel(view)
left, right = st.columns(2)
show_chart(funnel_chart(funnel_data), left)
right.dataframe(
    funnel_data.drop(columns="etape"),
    hide_index=True,
    width="stretch",
    column_config={
        "Étape": st.column_config.TextColumn(width=150),
        "Atteinte": st.column_config.NumberColumn(width=62),
        "Arrêtées à cette étape": st.column_config.NumberColumn(
            "Arrêtées", width=62, help="Arrêtées à cette étape"
        ),
        "En cours à cette étape": st.column_config.NumberColumn(
            "En cours", width=62, help="En cours à cette étape"
        ),
        "Retenues": st.column_config.NumberColumn(width=62),
    },
)

st.header("Parcours de chaque personne", anchor=False)
line = progress.timeline(view)
show_chart(timeline_chart(line, pd.Timestamp(progress.today())))
st.caption(
    "Chaque barre va du début d'une étape à sa décision ; son numéro est celui de l'étape "
    "(légende). Barre pâle : étape en cours, jusqu'à aujourd'hui. Survolez une barre pour le "
    "détail."
)
with st.expander("Données du graphique"):
    st.dataframe(progress.timeline_table(line), hide_index=True, width="stretch")

st.header("Évaluations dues", anchor=False)
owed = progress.owed(view)
if owed.empty:
    st.success("Aucune évaluation en retard.")
else:
    st.dataframe(owed, hide_index=True, width="stretch")

st.header("Durée des étapes", anchor=False)
st.dataframe(
    progress.stage_lengths(view),
    hide_index=True,
    width="stretch",
    column_config={
        "Étape": st.column_config.TextColumn(width=190),
        "Entretien prévu par le guide": st.column_config.TextColumn(
            "Durée prévue par le guide", width=190
        ),
        "Étapes terminées": st.column_config.NumberColumn(width=130),
        "Délai médian (jours)": st.column_config.TextColumn(width=150),
        "Délai maximum (jours)": st.column_config.TextColumn(width=150),
    },
)
