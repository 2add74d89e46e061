"""The signed-in session: recording a login, and making user text safe to show in Markdown."""

from __future__ import annotations

from selection.services.access import Actor
from selection.services.app import App
from selection.services.common import audit
from selection.services.text import md


def record_login(app: App, actor: Actor) -> None:
    with app.store.transaction() as tx:
        audit(tx, actor, "connexion", None, actor.email or "")


def escape(text: str) -> str:
    """User text to put inside Markdown on a page: never a link, an image or HTML."""
    return md(text)
