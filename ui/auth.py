"""Optional login through Streamlit's built-in OpenID Connect (``st.login``).

When ``.streamlit/secrets.toml`` has an ``[auth]`` section (ProConnect in production, any OIDC
provider in tests), nobody sees any page before logging in, the identity comes from the login
and each recruitment is visible to its members only. Without it, the app runs open for local use.

Administrators (global settings such as retention periods, and every recruitment's data duties)
are named in configuration: ``[admin] emails = ["…"]`` in the secrets, or the environment
variable ``SELECTION_ADMINS`` (comma-separated e-mails).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from selection.services import session
from selection.services.app import App

ADMINS_ENV = "SELECTION_ADMINS"


@dataclass(frozen=True)
class Identity:
    name: str
    email: str | None  # None when the app runs open (no login configured)


def auth_configured() -> bool:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: the app runs open
        return False
    return bool(section) and (
        "client_id" in section or any(isinstance(v, dict) for v in section.values())
    )


def configured_admins() -> frozenset[str]:
    found: list[str] = os.environ.get(ADMINS_ENV, "").split(",")
    try:
        section = st.secrets.get("admin") or {}
        emails = section.get("emails", [])
        found += [emails] if isinstance(emails, str) else list(emails)
    except Exception:  # no secrets file: only the environment counts
        pass
    return frozenset(e.strip().lower() for e in found if e and e.strip())


def login_screen() -> None:
    st.title("Sélection — tableau de bord de décision", anchor=False)
    st.write(
        "Cet outil contient des données personnelles sur des personnes candidates : "
        "connectez-vous pour y accéder."
    )
    st.button("Se connecter", type="primary", on_click=st.login)


def logged_in_identity(app: App) -> Identity:
    """The logged-in user; the login is written to the journal once per browser session."""
    email = str(st.user.get("email") or "").strip().lower()
    name = str(st.user.get("name") or email or "Utilisateur·rice")
    if not st.session_state.get("_login_logged"):
        session.record_login(app, app.actor(name, email or None))
        st.session_state["_login_logged"] = True
    with st.sidebar:
        st.markdown(f"Connecté·e : **{session.escape(name)}**")
        st.button("Se déconnecter", on_click=st.logout)
    return Identity(name=name, email=email or None)
