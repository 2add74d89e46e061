"""Where everyone stands, and who is waiting for an answer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from selection.analysis.progress import (
    funnel,
    owed_evaluations,
    stage_lengths,
    timeline,
    timeline_table,
    waiting_for_answer,
)
from selection.charts.progress import funnel_chart, timeline_chart
from selection.storage.store import now
from ui.bootstrap import start_page
from ui.widgets import show_chart

ctx = start_page("Progression du processus")
snapshot = ctx.store.snapshot(ctx.recruitment.id)
today = now()

if not snapshot.candidates:
    st.info("Aucune candidature : ajoutez des personnes dans **Candidatures**.")
    st.stop()

st.header("Qui attend une réponse ?")
waiting = waiting_for_answer(snapshot, today)
if waiting.empty:
    st.success("Personne n'attend de réponse : chaque personne en cours a une décision à jour.")
else:
    st.caption(
        "Chaque personne reçoit une réponse. Voici celles qui sont en cours sans décision à "
        "leur étape actuelle, de la plus ancienne nouvelle à la plus récente."
    )
    st.dataframe(
        waiting.drop(columns="candidate_id"),
        hide_index=True,
        width="stretch",
        column_config={"Dernier contact": st.column_config.DatetimeColumn(format="DD/MM/YYYY")},
    )

st.header("Entonnoir")
funnel_data = funnel(snapshot)
left, right = st.columns([3, 2])
show_chart(funnel_chart(funnel_data), left)
right.dataframe(funnel_data.drop(columns="etape"), hide_index=True, width="stretch")

st.header("Parcours de chaque personne")
line = timeline(snapshot)
show_chart(timeline_chart(line, pd.Timestamp(today)))
st.caption("Barre pâle : étape en cours (jusqu'à aujourd'hui). Survolez une barre pour le détail.")
with st.expander("Données du graphique"):
    st.dataframe(timeline_table(line), hide_index=True, width="stretch")

left, right = st.columns(2)
with left:
    st.header("Évaluations dues")
    owed = owed_evaluations(snapshot)
    if owed.empty:
        st.success("Aucune évaluation en retard.")
    else:
        st.dataframe(owed, hide_index=True, width="stretch")
with right:
    st.header("Durée des étapes")
    st.dataframe(stage_lengths(snapshot), hide_index=True, width="stretch")
