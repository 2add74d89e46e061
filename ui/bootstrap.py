"""The one bootstrap every screen goes through: page config, navigation, the app, identity.

Why pages call ``start_page`` instead of relying on app.py: while a ``pages/`` folder exists and no
session has run ``st.navigation`` yet, Streamlit runs a deep-linked page file on its own (legacy
multipage mode). ``start_page`` notices it is not inside our navigation, builds the real navigation
itself (which also switches Streamlit out of legacy mode) and runs the requested page through it,
so a deep link opened first on a fresh server shows the same app as the root URL.

Users never see a traceback: a database that cannot be opened (corrupted, or from a newer version)
gives a French message before anything else, even before login; an unexpected error inside a page
gives a French message and is logged on the server (``SELECTION_DEBUG=1`` re-raises it, for tests).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.services import reading
from selection.services.access import Actor, Config
from selection.services.app import App, code_generation, default_database_url
from selection.services.errors import StartupError, UserError, describe_startup_failure
from ui.auth import auth_configured, configured_admins, logged_in_identity, login_screen
from ui.widgets import CHOOSE, LIVE_TYPING, pending_toast

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "pages"
FAVICON = Path(__file__).resolve().parent / "favicon.png"
APP_TITLE = "Sélection — tableau de bord de décision"
DEBUG_ENV = "SELECTION_DEBUG"
LOG = logging.getLogger("selection")

# (file, title, icon); the first one is the home page.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("accueil.py", "Accueil", ":material/home:"),
    ("cadrage.py", "Cadrage", ":material/checklist:"),
    ("kits.py", "Kits d'entretien", ":material/menu_book:"),
    ("candidats.py", "Candidatures", ":material/group:"),
    ("evaluations.py", "Évaluations", ":material/rate_review:"),
    ("comparaison.py", "Comparaison", ":material/leaderboard:"),
    ("references.py", "Références", ":material/call:"),
    ("progression.py", "Progression", ":material/timeline:"),
    ("donnees.py", "Données", ":material/database:"),
)

# Choosers whose options belong to one recruitment: forgotten when another one is shown.
RECRUITMENT_SCOPED_KEYS = (
    "questions_for",
    "edit_candidate",
    "decide_candidate",
    "panel_candidate",
    "report_candidate",
    "eval_candidate",
    "ref_candidate",
    "rights_person",
)

# Streamlit serves its page as <html lang="en"> (streamlit/static/index.html) and offers no option
# for the page's language, so screen readers would read this French interface with an English
# voice (RGAA 8.3, WCAG 3.1.1). st.html with JavaScript is the documented way to act on the page:
# this static line of ours (no user input in it) sets the language on every run.
FRENCH_PAGE_SCRIPT = "<script>document.documentElement.lang = 'fr';</script>"

_local = threading.local()
_PENDING_RECRUITMENT = "_pending_recruitment_id"


@dataclass
class PageContext:
    """What a page needs: the app, who is using it, and the chosen recruitment."""

    app: App
    actor: Actor
    recruitment_id: str | None
    recruitments: list = field(default_factory=list)

    @property
    def user(self) -> str:
        return self.actor.label

    @property
    def recruitment(self):
        return next((r for r in self.recruitments if r.id == self.recruitment_id), None)

    @cached_property
    def view(self) -> reading.RecruitmentView:
        """The chosen recruitment as this person may see it (read once per run)."""
        return reading.view(self.app, self.actor, self.recruitment_id)


def run_app() -> None:
    """Entry point: page config, the app, the shared sidebar, then the page the URL asks for.

    The sidebar widgets live here, in the entrypoint, so their values survive page switches.
    """
    st.set_page_config(page_title=APP_TITLE, page_icon=str(FAVICON), layout="wide")
    secured = auth_configured()
    app = _app_or_stop(secured)
    if secured and not st.user.is_logged_in:
        set_page_language()
        # Every page URL answers with the login screen, so a deep link opened before login
        # shows the login and not Streamlit's "Page not found" dialog.
        login_pages = [
            st.Page(login_screen, title="Connexion", url_path=Path(file).stem, default=(i == 0))
            for i, (file, _title, _icon) in enumerate(PAGES)
        ]
        st.navigation(login_pages, position="hidden").run()
        return
    pages = [
        st.Page(PAGES_DIR / file, title=title, icon=icon, default=(i == 0))
        for i, (file, title, icon) in enumerate(PAGES)
    ]
    page = st.navigation(pages, position="sidebar")
    if secured:
        identity = logged_in_identity(app)
        actor = app.actor(identity.name, identity.email)
    else:
        actor = app.actor(_identity_sidebar())
    recruitments = reading.recruitments_for(app, actor)
    chosen = _recruitment_sidebar(recruitments)
    set_page_language(st.sidebar)  # below the sidebar's widgets: the gap it adds is not seen
    _local.context = PageContext(
        app=app, actor=actor, recruitment_id=chosen, recruitments=recruitments
    )
    try:
        page.run()
    except UserError as err:  # a refusal that escaped a page: still a French sentence
        st.error(str(err))
    except Exception:
        if os.environ.get(DEBUG_ENV):
            raise
        LOG.exception("unexpected error on a page")
        st.error(
            "Une erreur inattendue est survenue ; rien n'a été modifié par cette action. "
            "Rechargez la page ; si l'erreur revient, signalez-la à l'équipe qui administre "
            "l'outil."
        )
    finally:
        _local.context = None


def set_page_language(where: DeltaGenerator | None = None) -> None:
    """Say the page is in French (see FRENCH_PAGE_SCRIPT): an element of no height."""
    (where or st).html(FRENCH_PAGE_SCRIPT, unsafe_allow_javascript=True)


def _app_or_stop(secured: bool) -> App:
    try:
        return get_app(secured)
    except StartupError as err:
        set_page_language()
        st.title(APP_TITLE, anchor=False)
        st.error(str(err))
        st.stop()
        raise  # unreachable: st.stop() ends the run


def start_page(title: str, *, needs_recruitment: bool = True) -> PageContext:
    """Common start of every page: returns the app, who is using it and the chosen recruitment."""
    context: PageContext | None = getattr(_local, "context", None)
    if context is None:
        run_app()
        st.stop()
    st.title(title, anchor=False)
    pending_toast()
    if needs_recruitment and context.recruitment_id is None:
        st.info(
            "Aucun recrutement pour l'instant. Créez-en un dans **Cadrage**, ou chargez la "
            "démonstration depuis l'**Accueil**."
        )
        st.page_link(page_path("cadrage.py"), label="Créer un recrutement", icon=":material/add:")
        st.stop()
    return context


def page_path(file: str) -> str:
    return str(PAGES_DIR / file)


@st.cache_resource(show_spinner="Ouverture de la base de données…")
def _open_app(url: str, login: bool, admins: frozenset[str], code: tuple[int, ...]) -> App:
    """``code``: see services.app.code_generation (a reload of the modules opens a new App)."""
    del code
    try:
        return App.open(url, Config(login=login, admins=admins))
    except Exception as err:  # shown in French by _app_or_stop, never as a traceback
        LOG.exception("the database could not be opened")
        raise describe_startup_failure(err) from err


def get_app(secured: bool | None = None) -> App:
    """One App per database URL and configuration for the whole server."""
    login = auth_configured() if secured is None else secured
    return _open_app(default_database_url(), login, configured_admins(), code_generation())


def _identity_sidebar() -> str:
    """Who is using the app: chosen once per browser session; signs every rating and decision."""
    name = st.sidebar.text_input(
        "Votre nom", key="user", placeholder="Prénom Nom", max_chars=200, live=LIVE_TYPING
    )
    st.sidebar.caption("Chaque note et chaque décision est signée de ce nom et horodatée.")
    return name.strip()


def _recruitment_sidebar(recruitments: list) -> str | None:
    if not recruitments:
        return None
    by_id = {r.id: r for r in recruitments}
    pending = st.session_state.pop(_PENDING_RECRUITMENT, None)
    if pending in by_id:
        st.session_state["recruitment_id"] = pending
    if st.session_state.get("recruitment_id") not in by_id:
        st.session_state["recruitment_id"] = recruitments[-1].id
    chosen = st.sidebar.selectbox(
        "Recrutement",
        options=list(by_id),
        key="recruitment_id",
        format_func=lambda rid: by_id[rid].title if rid in by_id else "—",
        placeholder=CHOOSE,
    )
    if st.session_state.get("_shown_recruitment") != chosen:
        for key in RECRUITMENT_SCOPED_KEYS:
            st.session_state.pop(key, None)
        st.session_state["_shown_recruitment"] = chosen
    return chosen


def select_recruitment(recruitment_id: str) -> None:
    """Show another recruitment from the next run on (the sidebar widget is already drawn)."""
    st.session_state[_PENDING_RECRUITMENT] = recruitment_id
    st.rerun()
