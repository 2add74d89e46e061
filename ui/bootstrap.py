"""The one bootstrap every screen goes through: page config, navigation, storage, identity.

Why pages call ``start_page`` instead of relying on app.py: while a ``pages/`` folder exists and no
session has run ``st.navigation`` yet, Streamlit runs a deep-linked page file on its own (legacy
multipage mode). ``start_page`` notices it is not inside our navigation, builds the real navigation
itself (which also switches Streamlit out of legacy mode) and runs the requested page through it,
so a deep link opened first on a fresh server shows the same app as the root URL.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from selection.domain.model import Recruitment
from selection.services.demo import load_demo
from selection.storage.store import Store, database_url
from ui.auth import Identity, auth_configured, logged_in_identity, login_screen

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "pages"
FAVICON = Path(__file__).resolve().parent / "favicon.png"
APP_TITLE = "Sélection — tableau de bord de décision"

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

_local = threading.local()
_PENDING_RECRUITMENT = "_pending_recruitment_id"


def run_app() -> None:
    """Entry point: page config, storage, the shared sidebar, then the page the URL asks for.

    The sidebar widgets live here, in the entrypoint, so their values survive page switches.
    """
    st.set_page_config(page_title=APP_TITLE, page_icon=str(FAVICON), layout="wide")
    store = get_store()
    secured = auth_configured()
    if secured and not st.user.is_logged_in:
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
    identity = logged_in_identity(store) if secured else Identity(_identity_sidebar(), None)
    recruitment = _recruitment_sidebar(store, identity.email)
    _local.context = PageContext(
        store=store, user=identity.name, recruitment=recruitment, email=identity.email
    )
    try:
        page.run()
    finally:
        _local.context = None


@dataclass(frozen=True)
class PageContext:
    store: Store
    user: str
    recruitment: Recruitment | None
    email: str | None = None  # set only when login is configured; used for membership


def start_page(title: str, *, needs_recruitment: bool = True) -> PageContext:
    """Common start of every page: returns the store, who is using it and the chosen recruitment."""
    context: PageContext | None = getattr(_local, "context", None)
    if context is None:
        run_app()
        st.stop()
    st.title(title)
    if needs_recruitment and context.recruitment is None:
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
def _open_store(url: str) -> Store:
    store = Store.open(url)
    if store.is_empty() and not auth_configured():
        load_demo(store)
    return store


def get_store() -> Store:
    """One Store per database URL for the whole server; connections come from its pool."""
    return _open_store(database_url())


def _identity_sidebar() -> str:
    """Who is using the app: chosen once per browser session; signs every rating and decision."""
    name = st.sidebar.text_input(
        "Votre nom",
        key="user",
        placeholder="Prénom Nom",
        help="Chaque note et chaque décision est signée de ce nom et horodatée.",
    )
    return name.strip()


def _recruitment_sidebar(store: Store, member_email: str | None) -> Recruitment | None:
    recruitments = store.list_recruitments(member_email)
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
        format_func=lambda rid: by_id[rid].title,
    )
    return by_id[chosen]


def select_recruitment(recruitment_id: str) -> None:
    """Show another recruitment from the next run on (the sidebar widget is already drawn)."""
    st.session_state[_PENDING_RECRUITMENT] = recruitment_id
    st.rerun()


def require_user(user: str) -> bool:
    """Signing is mandatory for writes; explain where to sign instead of failing."""
    if user:
        return True
    st.warning("Indiquez votre nom dans la barre latérale : chaque saisie est signée.")
    return False
