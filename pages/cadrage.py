"""The brief (fiche de cadrage): the recruitment, its criteria, weights, must-haves and stages."""

from __future__ import annotations

import streamlit as st

from selection.domain import labels
from selection.services import brief, recruitments
from selection.services.access import Action
from ui.bootstrap import select_recruitment, start_page
from ui.widgets import (
    CHOOSE,
    attempt,
    date_field,
    decimal_fr,
    form_key,
    list_to_ticks,
    reloader,
    reset_form,
    steps,
    text,
    ticks_to_list,
    toast_after_rerun,
)
from ui.widgets import frozen as frozen_base

ctx = start_page("Cadrage du besoin", needs_recruitment=False)
presets = {p.key: p for p in recruitments.presets()}

# The panel's open state lives in the browser unless the expander tracks it (key + on_change):
# then it can be closed from here once a recruitment has been created.
NEW_PANEL = "new_recruitment_panel"
START_DATE = "Date de démarrage souhaitée"
if st.session_state.pop("_close_new_recruitment", False):
    st.session_state[NEW_PANEL] = False

with (
    st.expander(
        "Créer un recrutement",
        expanded=ctx.recruitment is None,
        key=NEW_PANEL,
        on_change="rerun",
    ),
    st.form(form_key("new_recruitment"), enter_to_submit=False),
):
    title = st.text_input(
        "Intitulé du poste", placeholder="Développeur·se fullstack", max_chars=200
    )
    team = st.text_input("Produit ou équipe", placeholder="Start-up d'État …", max_chars=200)
    owner = st.text_input("Responsable du processus", value=ctx.user, max_chars=200)
    st.caption("La personne qui coordonne tout le processus et prend la décision finale.")
    preset = st.selectbox(
        "Partir d'un profil type",
        list(presets),
        index=list(presets).index("developpeur"),
        format_func=lambda k: (
            f"{presets[k].label} ({labels.counted(presets[k].count, 'critère')})"
            if presets[k].count
            else f"{presets[k].label} (aucun critère)"
        ),
        placeholder=CHOOSE,
    )
    st.caption(
        "Critères, niveaux et étapes tirés des guides d'entretien de beta.gouv.fr ; tout reste "
        "modifiable."
    )
    if st.form_submit_button("Créer le recrutement", type="primary"):
        done, created = attempt(
            recruitments.create,
            ctx.app,
            ctx.actor,
            title=title,
            team=team,
            owner=owner,
            preset=preset,
        )
        if done:
            reset_form("new_recruitment")
            st.session_state["_close_new_recruitment"] = True
            toast_after_rerun("Recrutement créé.")
            select_recruitment(created)

if ctx.recruitment_id is None:
    st.stop()

view = ctx.view
recruitment = view.recruitment
criteria = view.snapshot.criteria
can_edit = view.can(Action.EDIT_BRIEF)
rid = recruitment.id

st.header(text(recruitment.title), anchor=False)
st.caption(
    f"{text(recruitment.role or 'Profil libre')} · {text(recruitment.team or 'Équipe non précisée')}"
    f" · responsable : {text(recruitment.owner or 'à désigner')} · "
    f"{labels.RECRUITMENT_STATUS[recruitment.status]}"
)
if not can_edit:
    st.info("Vous consultez le cadrage : seule la personne responsable du recrutement le modifie.")

for warning in brief.warnings(criteria):
    (st.warning if warning.severity == "warning" else st.info)(text(warning.message_fr))

tab_criteria, tab_weights, tab_questions, tab_mission, tab_recruitment = st.tabs(
    ["Critères et étapes", "Pondérations", "Questions", "Contraintes de la mission", "Recrutement"]
)


# The grid fits the main column at 1280 px with the sidebar open (about 820 px): statements wrap
# on several lines, the stages probed are one list column instead of five tick columns, and
# the fine weight (kept as it is in the data) is set with the sliders of « Pondérations ».
GRID_ROW_HEIGHT = 92  # px: five lines of a statement (above 4rem the grid wraps text)
GRID_HEADER_HEIGHT = 38  # px: the header row (and the « add a row » line below the rows)
GRID_MAX_ROWS = 12  # beyond that, the grid scrolls inside
STAGE_COLUMNS = [column for column, _label in brief.stage_columns()]
STAGES_LIST = "Étapes"
GRID_ORDER = ["Intitulé", "Énoncé", "Catégorie", "Niveau", "Obligatoire", STAGES_LIST]


def grid_columns() -> dict:
    hint = labels.criterion_phrase_hint(recruitment.role)
    stage_names = dict(brief.stage_columns())
    return {
        "id": None,
        "Intitulé": st.column_config.TextColumn(
            width=135, required=True, max_chars=200, default=""
        ),
        "Énoncé": st.column_config.TextColumn(width=200, help=hint, default=""),
        "Catégorie": st.column_config.TextColumn(width=100, default=""),
        "Niveau": st.column_config.SelectboxColumn(
            width=100,
            options=list(labels.WEIGHT_LEVELS.values()),
            required=True,
            default=labels.WEIGHT_LEVELS[2],
        ),
        "Obligatoire": st.column_config.CheckboxColumn(width=95, default=False),
        STAGES_LIST: st.column_config.MultiselectColumn(
            width=150,
            options=STAGE_COLUMNS,
            default=[],
            help="Étapes où le critère est vérifié : "
            + ", ".join(f"{c} = {stage_names[c]}" for c in STAGE_COLUMNS)
            + ".",
        ),
    }


def grid_height(rows: int) -> int:
    """Every criterion on screen, and the line to add one, up to GRID_MAX_ROWS rows."""
    return 2 * GRID_HEADER_HEIGHT + GRID_ROW_HEIGHT * min(max(rows, 1), GRID_MAX_ROWS)


def frozen(name: str, current):
    return frozen_base(f"{name}_{rid}", current)


def reload(name: str):
    return reloader(f"{name}_{rid}")


def stale_notice(base, name: str) -> None:
    """Say so when someone saved the brief since this editor was opened."""
    now = {c.id: c.version for c in criteria}
    if {c.id: c.version for c in base} != now:
        st.info(
            "Le cadrage a été modifié par quelqu'un d'autre depuis que vous avez ouvert cet "
            "onglet. Vos changements seront vérifiés à l'enregistrement : seules les lignes que "
            "vous modifiez comptent."
        )
        st.button("Recharger le cadrage", key=f"reload_{name}", on_click=reload(name))


with tab_criteria:
    st.caption(labels.criterion_phrase_hint(recruitment.role))
    st.caption(
        "Trois ou quatre critères clés par étape suffisent : le bon niveau d'exigence, pas un "
        "profil théorique parfait. Dans « Étapes », choisissez où chaque critère est vérifié ; "
        "vérifiez les critères obligatoires et ceux de pondération maximale le plus tôt "
        "possible. Le poids fin (0 à 3), qui sert à la moyenne pondérée, suit le niveau tant "
        "que vous ne le changez pas dans l'onglet « Pondérations »."
    )
    version, base = frozen("brief", list(criteria))
    stale_notice(base, "brief")
    edited = st.data_editor(
        # A plain index: with string ids as index, a dynamic editor shows them and drops new rows.
        ticks_to_list(brief.criteria_grid(base).reset_index(), STAGE_COLUMNS, STAGES_LIST),
        key=f"brief_editor_{rid}_{version}",
        num_rows="dynamic" if can_edit else "fixed",
        disabled=not can_edit,
        hide_index=True,
        width="stretch",
        column_config=grid_columns(),
        column_order=GRID_ORDER,
        row_height=GRID_ROW_HEIGHT,
        height=grid_height(len(base)),
        placeholder="",
    )
    if can_edit and st.button("Enregistrer les critères", type="primary"):
        done, change = attempt(
            brief.save_grid,
            ctx.app,
            ctx.actor,
            rid,
            base,
            list_to_ticks(edited, STAGE_COLUMNS, STAGES_LIST),
            reload=reload("brief"),
        )
        if done:
            reload("brief")()
            toast_after_rerun(change.sentence())
            st.rerun()
    for note in recruitments.notes_for(recruitment):
        st.caption(f"💡 {text(note)}")

with tab_weights:
    if not criteria:
        st.info("Ajoutez d'abord des critères, dans l'onglet « Critères et étapes ».")
    else:
        st.caption(
            "Le niveau (🔴 3, 🟠 2, 🟡 1) sert à la somme des critères validés ; le poids fin sert "
            "à la moyenne pondérée et à la matrice de pondération. Seuls les poids que vous "
            "déplacez sont enregistrés."
        )
        version, base = frozen("weights", list(criteria))
        stale_notice(base, "weights")
        with st.form(f"weights_{version}", enter_to_submit=False):
            cols = st.columns(2)
            # A slider of French-written values (« 1,5 »): st.slider writes « 1.50 ».
            weights = {
                c.id: cols[i % 2].select_slider(
                    f"{labels.WEIGHT_LEVELS[c.weight_level]} · {c.label}",
                    options=steps(0.0, 3.0, 0.1, keep=float(c.weight)),
                    value=round(float(c.weight), 6),
                    format_func=decimal_fr,
                    key=f"brief_w_{c.id}_{version}",
                    disabled=not can_edit,
                )
                for i, c in enumerate(base)
            }
            if st.form_submit_button("Enregistrer les pondérations", disabled=not can_edit):
                done, saved = attempt(
                    brief.save_weights,
                    ctx.app,
                    ctx.actor,
                    rid,
                    base,
                    weights,
                    reload=reload("weights"),
                )
                if done:
                    reload("weights")()
                    toast_after_rerun(
                        f"Pondérations enregistrées : {', '.join(saved)}."
                        if saved
                        else "Aucun poids n'a changé."
                    )
                    st.rerun()

with tab_questions:
    if not criteria:
        st.info("Ajoutez d'abord des critères, dans l'onglet « Critères et étapes ».")
    else:
        st.caption(
            "Une question par critère en préqualification, une ou deux en entretien intra : "
            "des questions de situation vécue (« Raconte-moi une fois où… »). Une par ligne."
        )
        by_id = {c.id: c for c in criteria}
        chosen = st.selectbox(
            "Critère",
            list(by_id),
            format_func=lambda i: by_id[i].label,
            key="questions_for",
            placeholder=CHOOSE,
        )
        version, base_map = frozen(f"questions_{chosen}", dict(by_id))
        base_crit = base_map.get(chosen, by_id[chosen])
        with st.form(f"questions_{chosen}_{version}", enter_to_submit=False):
            body = st.text_area(
                "Questions",
                value="\n".join(base_crit.questions),
                height=140,
                disabled=not can_edit,
            )
            if st.form_submit_button("Enregistrer les questions", disabled=not can_edit):
                done, _ = attempt(
                    brief.save_questions,
                    ctx.app,
                    ctx.actor,
                    rid,
                    base_crit,
                    body,
                    reload=reload(f"questions_{chosen}"),
                )
                if done:
                    reload(f"questions_{chosen}")()
                    toast_after_rerun("Questions enregistrées.")
                    st.rerun()

with tab_mission:
    version, base_rec = frozen("mission", recruitment)
    with st.form(f"mission_{version}", enter_to_submit=False):
        st.caption(
            "La préqualification vérifie ces points avec chaque personne ; une réponse bloquante "
            "est signalée partout où la personne apparaît."
        )
        c1, c2 = st.columns(2)
        start_date = date_field(START_DATE, base_rec.start_date, where=c1, disabled=not can_edit)
        days = c2.select_slider(
            "Jours par semaine",
            options=steps(0.0, 5.0, 0.5, keep=base_rec.days_per_week),
            value=round(base_rec.days_per_week or 0.0, 6),
            format_func=lambda d: decimal_fr(d) if d else "pas de contrainte",
            disabled=not can_edit,
        )
        remote = c1.text_input(
            "Politique de télétravail",
            value=base_rec.remote_policy,
            placeholder="Par exemple : deux jours par semaine sur site",
            max_chars=200,
            disabled=not can_edit,
        )
        rate = c2.number_input(
            "TJM maximum (€ HT)",
            min_value=0,
            step=10,
            value=base_rec.max_daily_rate or 0,
            disabled=not can_edit,
        )
        c2.caption("0 : pas de plafond.")
        refs = st.checkbox(
            "Accord pour la prise de références exigé",
            value=base_rec.references_required,
            disabled=not can_edit,
        )
        if st.form_submit_button("Enregistrer les contraintes", disabled=not can_edit):
            done, _ = attempt(
                recruitments.update_constraints,
                ctx.app,
                ctx.actor,
                rid,
                base_version=base_rec.version,
                start_date=start_date,
                days_per_week=float(days) or None,
                remote_policy=remote,
                max_daily_rate=int(rate) or None,
                references_required=refs,
                reload=reload("mission"),
            )
            if done:
                reload("mission")()
                toast_after_rerun("Contraintes enregistrées.")
                st.rerun()

with tab_recruitment:
    version, base_rec = frozen("details", recruitment)
    with st.form(f"edit_recruitment_{version}", enter_to_submit=False):
        new_title = st.text_input(
            "Intitulé du poste", value=base_rec.title, max_chars=200, disabled=not can_edit
        )
        new_team = st.text_input(
            "Produit ou équipe", value=base_rec.team, max_chars=200, disabled=not can_edit
        )
        new_owner = st.text_input(
            "Responsable du processus",
            value=base_rec.owner,
            max_chars=200,
            disabled=not can_edit,
        )
        st.caption(
            "Sans connexion, seule la personne qui signe de ce nom enregistre le choix final."
        )
        if st.form_submit_button("Enregistrer", disabled=not can_edit):
            done, _ = attempt(
                recruitments.update_details,
                ctx.app,
                ctx.actor,
                rid,
                base_version=base_rec.version,
                title=new_title,
                team=new_team,
                owner=new_owner,
                reload=reload("details"),
            )
            if done:
                reload("details")()
                toast_after_rerun("Recrutement enregistré.")
                st.rerun()

    with st.form(form_key("duplicate"), enter_to_submit=False):
        st.markdown("**Dupliquer ce cadrage** pour un nouveau recrutement (sans les candidatures)")
        copy_title = st.text_input(
            "Intitulé du nouveau recrutement",
            value=f"{recruitment.title} (copie)"[:200],
            max_chars=200,
        )
        if st.form_submit_button("Dupliquer le cadrage"):
            done, copy_id = attempt(recruitments.duplicate, ctx.app, ctx.actor, rid, copy_title)
            if done:
                reset_form("duplicate")
                toast_after_rerun("Cadrage dupliqué.")
                select_recruitment(copy_id)

    if ctx.app.config.login:
        st.markdown("**Membres du recrutement**")
        st.dataframe(
            [
                {"Adresse": m["email"], "Rôle": m["role"], "Ajouté par": m["added_by"]}
                for m in view.members
            ],
            hide_index=True,
            width="stretch",
            on_select="ignore",
        )
        if not view.can(Action.MANAGE_MEMBERS):
            st.caption("Seule une personne responsable du recrutement gère ses membres.")
        else:
            with st.form(form_key("add_member"), enter_to_submit=False):
                email = st.text_input("Adresse électronique du nouveau membre", max_chars=200)
                role = st.radio("Rôle", ["membre", "responsable"], horizontal=True)
                if st.form_submit_button("Ajouter le membre"):
                    done, _ = attempt(recruitments.add_member, ctx.app, ctx.actor, rid, email, role)
                    if done:
                        reset_form("add_member")
                        toast_after_rerun("Membre ajouté.")
                        st.rerun()
            others = [m["email"] for m in view.members if m["email"] != ctx.actor.email]
            if others:
                gone = st.selectbox(
                    "Retirer un membre", others, key="remove_member", placeholder=CHOOSE
                )
                if st.button("Retirer ce membre"):
                    done, _ = attempt(recruitments.remove_member, ctx.app, ctx.actor, rid, gone)
                    if done:
                        toast_after_rerun("Membre retiré.")
                        st.rerun()

    closing = recruitment.status == "ouvert"
    st.caption(
        "Clore le recrutement lance le délai de conservation des données des personnes non "
        "retenues (trois mois par défaut)."
    )
    if st.button(
        "Clore le recrutement" if closing else "Rouvrir le recrutement",
        disabled=not view.can(Action.CLOSE_REOPEN),
    ):
        done, _ = attempt(
            recruitments.set_closed,
            ctx.app,
            ctx.actor,
            rid,
            base_version=recruitment.version,
            closed=closing,
        )
        if done:
            toast_after_rerun("Recrutement clos." if closing else "Recrutement rouvert.")
            st.rerun()
