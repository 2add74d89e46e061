"""Decision meeting: ranking in three views, what-if weights, robustness, gaps, rating grid,
calibration, exports.

Built for the slider (docs/performance.md, « Pages »): the weight board (ui/meeting_board.js)
redraws the ranking chart and its table in the browser on every slider input, and sends the
weights to the server once the sliders are let go; the fragment below then computes everything
else from the server's copy of the weights (sentence, robustness, gaps, evolution; files built
when a button is clicked). Every element of the fragment keeps its place on every run (messages
that come and go sit in ``st.empty`` slots) and every chart is a fixed Vega-Lite template whose
data alone changes, so the browser swaps data in the charts it has instead of building new ones.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from selection.charts.comparison import (
    calibration_chart,
    heatmap_chart,
    heatmap_frame,
    probability_chart,
    spread_chart,
    spread_frame,
    stage_evolution_chart,
)
from selection.domain import labels
from selection.services import brief, catalogue, data, meeting, ratings, reading
from selection.services.access import Action
from selection.services.errors import UserError
from ui.bootstrap import start_page
from ui.widgets import (
    CHOOSE,
    attempt,
    frozen,
    meeting_board,
    reloader,
    settle_heap,
    show_chart,
    text,
    toast_after_rerun,
)

HELP = meeting.FIGURE_HELP
ctx = start_page("Comparaison des candidatures")


def meeting_view():
    """The recruitment as this person sees it, read again only when something was written about
    it (every write bumps its revision) or someone else is using the app: a full run of the
    meeting (a filter, the view, the rest of the page after the board) does not read every
    rating again, nor hold two copies of them while it runs."""
    key = f"_cmp_view_{ctx.recruitment_id}"
    stamp = (reading.revision(ctx.app, ctx.recruitment_id), ctx.actor)
    cached = st.session_state.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    st.session_state.pop(key, None)  # let the old copy go before reading the new one
    fresh = ctx.view
    st.session_state[key] = (stamp, fresh)
    return fresh


view = meeting_view()
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
active_only = scope != "Toutes"
min_stage = middle.selectbox(
    "Étape atteinte au minimum",
    options=list(catalogue.STAGE_CODES),
    format_func=catalogue.stage_label,
    key="cmp_min_stage",
    placeholder=CHOOSE,
)
score_view = right.radio(
    "Vue du score",
    options=list(labels.SCORE_VIEWS),
    format_func=labels.SCORE_VIEWS.get,
    horizontal=True,
    key="cmp_view",
)
try:
    prepared = meeting.prepare(view, active_only=active_only, min_stage=min_stage)
except UserError as err:
    st.error(str(err))
    st.stop()
if prepared is None:
    st.info("Aucune candidature ne correspond à ces filtres : élargissez-les.")
    st.stop()
st.caption(text(meeting.scope_caption(prepared, active_only)))

# « Pas de débrief à chaud »: stages still closed, who they wait for, and opening one early.
closed = meeting.closed_debriefs(prepared)
if closed:
    st.warning(
        f"Pas de débrief à chaud : {len(closed)} étape{'s' if len(closed) > 1 else ''} "
        f"{'restent' if len(closed) > 1 else 'reste'} hors de la réunion, en attente "
        "d'évaluations (détail ci-dessous).",
        icon=":material/lock:",
    )
    with st.expander("Étapes encore fermées à la discussion"):
        st.caption(meeting.CLOSED_HELP)
        st.markdown("\n".join("- " + text(c.sentence) for c in closed))
        if meeting.can_open_debriefs(view):
            with st.form("open_debrief", clear_on_submit=True):
                pair = st.selectbox(
                    "Étape à ouvrir maintenant",
                    options=list(range(len(closed))),
                    format_func=lambda i: f"{closed[i].candidate_name} — {closed[i].stage_label}",
                    placeholder=CHOOSE,
                )
                reason = st.text_input(
                    "Raison (inscrite au journal)",
                    placeholder="Ex. : l'évaluatrice est absente deux semaines",
                    key="open_debrief_reason",
                )
                if st.form_submit_button(
                    "Ouvrir la discussion de cette étape", key="open_debrief_submit"
                ):
                    chosen = closed[pair]
                    done, _ = attempt(
                        ratings.open_debrief,
                        ctx.app,
                        ctx.actor,
                        chosen.candidate_id,
                        chosen.stage,
                        reason,
                    )
                    if done:
                        toast_after_rerun(
                            f"Discussion ouverte : {chosen.candidate_name} — {chosen.stage_label}."
                        )
                        st.rerun()
        else:
            st.caption(
                "Seule la personne responsable du recrutement peut ouvrir une étape plus tôt, "
                "avec une raison."
            )

# What the sliders started from (snapshot in): saving sends only the weights moved since.
weights_version, weights_base = frozen(f"meeting_weights_{view.id}", list(snapshot.criteria))
# The weights on screen, for the files built on click (outside the fragment's runs).
on_screen: dict = st.session_state.setdefault(f"_meeting_weights_now_{view.id}", {})
hidden = meeting.hidden_rated(prepared)


def reset_weights() -> None:
    reloader(f"meeting_weights_{view.id}")()


# First view of the meeting in a browser: the first screen (filters, sentence, board) is sent
# alone; the rest of the page follows once the browser has drawn the board (docs/performance.md,
# cold start). Without a browser (tests, scripts) everything is sent at once.
ready_key = f"_cmp_ready_{view.id}"
deferred = bool(st.context.headers.get("User-Agent")) and not st.session_state.get(ready_key)


def board_drawn() -> None:
    st.session_state[ready_key] = True
    st.rerun()


def weights_arrived() -> None:
    """First thing in the run the board's weights start: the files built on click use them."""
    sent = (st.session_state.get(board_key) or {}).get("weights")
    checked = meeting.weights_from_board(sent, snapshot.criteria)
    if checked:
        on_screen.clear()
        on_screen.update(checked)


@st.fragment(key="cmp_weights")
def meeting_fragment() -> None:
    """Everything the weights change. The board (sliders, ranking chart and table) redraws
    itself in the browser on every slider input; this fragment runs once the sliders are let go
    (the board sends the weights), and on « Enregistrer »."""
    st.header("Classement", anchor=False)
    sentence_slot = st.empty()
    views_slot = st.empty()
    # The weights the board last sent (its state survives full runs), else the brief's.
    sent = (st.session_state.get(board_key) or {}).get("weights")
    current = meeting.weights_from_board(sent, snapshot.criteria) or {
        c.id: c.weight for c in snapshot.criteria
    }
    board = meeting_board(
        meeting.board_data(
            prepared,
            score_view,
            current,
            key=board_key,
            can_save=view.can(Action.EDIT_BRIEF),
            ack=meeting.board_ack(sent),
            announce_drawn=deferred,
        ),
        key=board_key,
        on_change=weights_arrived,
        on_drawn=board_drawn,
    )
    messages = st.empty()
    weights = meeting.weights_from_board(board.weights, snapshot.criteria) or current
    on_screen.clear()
    on_screen.update(weights)
    if board.save is not None:
        to_save = meeting.weights_from_board(_json(board.save), snapshot.criteria) or weights
        with messages.container():
            done, saved = attempt(
                brief.save_weights,
                ctx.app,
                ctx.actor,
                view.id,
                weights_base,
                to_save,
                reload=reset_weights,
            )
        if done:
            reset_weights()
            toast_after_rerun(
                "Pondérations enregistrées dans le cadrage : "
                + (", ".join(saved) if saved else "aucun poids n'avait changé")
                + "."
            )
            st.rerun()

    try:
        comparison = meeting.weigh(prepared, weights)
        result = meeting.robustness(prepared, comparison, weights)
    except UserError as err:
        sentence_slot.error(str(err))
        return
    sentence_slot.info(
        text(meeting.summary(comparison, score_view, result, hidden=hidden)),
        icon=":material/balance:",
    )
    warning = meeting.views_warning(comparison)
    if warning:
        views_slot.warning(text(warning), icon=":material/call_split:")
    if deferred:  # the rest follows once the browser has drawn the board
        return

    with st.expander("Apport de chaque critère au score (données du classement)"):
        st.caption("« n.é. » : critère non évalué pour cette personne, laissé hors du score.")
        st.dataframe(
            meeting.contribution_table(comparison, score_view),
            hide_index=True,
            width="stretch",
            column_config={
                "Candidat·e": st.column_config.TextColumn(width=150),
                "Couverture": st.column_config.TextColumn(width=90, help=HELP["couverture"]),
                **criterion_columns(),
            },
        )

    st.header("Solidité du classement", anchor=False)
    st.caption(
        f"Pondérations tirées au hasard à ±{labels.fr_percent(result.spread)} autour de celles choisies, "
        f"{labels.fr_number(result.samples, 0)} tirages (graine {result.seed}) : part des tirages où chaque "
        "personne arrive en tête. " + HELP["probabilite_manquantes"]
    )
    weighted_note = meeting.weighted_sections_note(score_view)
    if weighted_note:
        st.caption(weighted_note)
    if result.stability is not None and result.stability.label:
        st.markdown(f"**Solidité de la tête :** {result.stability.label}.")
    frame = result.to_frame()
    show_chart(probability_chart(frame), st.container(key="cmp_probability_chart"))
    with st.expander("Données du graphique et hypothèse des preuves manquantes"):
        st.caption(meeting.MISSING_PRIOR_HELP)
        st.dataframe(
            meeting.probability_table(frame, contenders_only=True),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.TextColumn(help=HELP[k])
                for c, k in zip(
                    meeting.PROBABILITY_COLUMNS,
                    ("probabilite", "probabilite_manquantes"),
                    strict=True,
                )
            },
        )
        st.caption("Les personnes absentes de ce tableau ne sont en tête dans aucun tirage.")
    st.markdown("**Poids qui ferait changer la tête du classement**")
    st.caption(HELP["bascule"])
    st.dataframe(
        meeting.flips_table(result.flips_frame()),
        hide_index=True,
        width="stretch",
        column_config={
            "Critère": st.column_config.TextColumn(width=300),
            "Poids actuel": st.column_config.TextColumn(width=100),
            "Poids de bascule": st.column_config.TextColumn(width=160),
            "Nouvelle tête": st.column_config.TextColumn(width=200),
        },
    )

    st.header("Ce qui reste à vérifier", anchor=False)
    if weighted_note:
        st.caption(weighted_note)
    gaps = meeting.gaps(prepared, weights)
    gaps_slot = st.empty()
    if not gaps:
        gaps_slot.caption("Aucun manque de preuve, désaccord ni doute chez les personnes en tête.")
    else:
        with gaps_slot.container():
            st.caption(
                "Pour les personnes en tête : critères sans preuve ou avec une preuve partielle, "
                "désaccords forts et doutes notés — les points décisifs d'abord. La page "
                "**Références** en tire le guide d'appel."
            )
            st.markdown(
                "\n\n".join(
                    f"**{text(name)}**\n"
                    + "\n".join(
                        f"- *{text(criterion)}*"
                        + (" — **décisif**" if decisive else "")
                        + f" : {text(why)}"
                        for criterion, decisive, why in items
                    )
                    for name, items in meeting.gaps_by_person(gaps)
                )
            )

    st.header("Évolution au fil des étapes", anchor=False)
    evolution = meeting.evolution(prepared, comparison, weights)
    evolution_slot = st.empty()
    if evolution.empty:
        evolution_slot.caption("Aucune note soumise pour l'instant.")
    else:
        with evolution_slot.container():
            show_chart(
                stage_evolution_chart(evolution, comparison.ranked(score_view)["candidat"].tolist())
            )
            st.caption(
                "Les huit premières personnes du classement ; le tableau donne tout le monde."
            )
            with st.expander("Données du graphique"):
                st.dataframe(meeting.evolution_table(evolution), hide_index=True, width="stretch")


def criterion_columns() -> dict:
    """One narrow column per criterion, headed by its number (its name on hover, and in the
    legend): ten criteria fit the page without scrolling sideways."""
    numbered = meeting.numbered_labels([c.label for c in snapshot.criteria])
    return {
        label: st.column_config.TextColumn(label.split(" · ")[0], help=label, width=52)
        for label in numbered
    }


def _json(value: object) -> object:
    import json

    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None


board_key = f"cmp_board_{view.id}_{weights_version}"
settle_heap()
meeting_fragment()
if deferred:
    st.caption("La suite de la page (solidité, points à vérifier, fichiers, grille…) arrive.")
    st.stop()

st.header("Exporter", anchor=False)
st.caption("Les fichiers reprennent les pondérations et la vue affichées au moment du clic.")
today = date.today()
files = meeting.downloads(
    prepared,
    lambda: dict(on_screen),
    score_view,
    today,
    record=lambda what, name: data.record_download(ctx.app, ctx.actor, view.id, what, name),
)
for col, item in zip(st.columns(2) * 2, files, strict=True):
    col.download_button(
        item.label,
        item.build,
        file_name=item.file_name,
        mime=item.mime,
        help=item.help,
        on_click="ignore",
        key=f"cmp_download_{item.file_name}",
    )

# Ratings do not depend on the weights: drawn once per full run, outside the fragment, in the
# order of the saved brief's ranking.
st.header("Notes par critère", anchor=False)
order = list(prepared.base.ranked(score_view)["candidat"])
numbered = meeting.numbered_labels(list(prepared.base.means.columns))
st.caption("Critères : " + text(" ; ".join(numbered)) + ".")
show_chart(heatmap_chart(prepared.base, order))
st.caption("Moyenne des notes soumises (1 à 3) ; « n.é. » : non évalué, jamais compté comme zéro.")
with st.expander("Données de la grille"):
    grid = heatmap_frame(prepared.base, order).pivot(
        index="candidat", columns="critere", values="etiquette"
    )
    grid = grid.reindex(index=order, columns=list(prepared.base.means.columns))
    grid.columns = numbered
    grid.index.name = "Candidat·e"
    st.dataframe(
        grid.reset_index(),
        hide_index=True,
        width="stretch",
        column_config={"Candidat·e": st.column_config.TextColumn(width=150), **criterion_columns()},
    )

st.header("Désaccords entre évaluateurs", anchor=False)
spread = spread_frame(prepared.base)
if spread.empty:
    st.caption("Pas encore deux évaluateurs sur un même critère.")
else:
    st.caption(HELP["desaccord"])
    show_chart(spread_chart(prepared.base))
    st.caption("Trait pointillé : écart de 2 points, seuil d'un désaccord fort à lever.")
    with st.expander("Données du graphique"):
        st.dataframe(meeting.spread_table(spread), hide_index=True, width="stretch")

st.header("Calibration du panel", anchor=False)
st.caption(meeting.CALIBRATION_HELP)
raters, raters_chart, agreement = meeting.calibration_tables(prepared)
if raters.empty:
    st.caption("Aucune note soumise pour l'instant.")
else:
    st.markdown("**Écart de chaque personne au reste du panel**")
    st.caption(HELP["calibration"])
    if not raters_chart.empty:
        show_chart(calibration_chart(raters_chart))
    # The chart's figures and their reading, one person per line (readable on a phone).
    st.markdown(
        "\n".join(
            f"- **{text(row['Évaluateur·rice'])}** "
            f"({labels.counted(row['Notes soumises'], 'note soumise', 'notes soumises')}, "
            f"{labels.counted(row['Notes partagées'], 'partagée')}) : {text(row['Lecture'])}"
            for _, row in raters.iterrows()
        )
    )
    st.markdown("**Accord entre les personnes, critère par critère**")
    st.caption(HELP["alpha"])
    st.markdown(
        "\n".join(
            f"- **{text(row['Critère'])}** : {text(row['Lecture'])}"
            for _, row in agreement.iterrows()
        )
    )

with st.expander("Comment lire ces chiffres"):
    st.markdown("\n".join(f"- {sentence}" for sentence in HELP.values()))
