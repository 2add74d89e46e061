"""The application as the pages see it: one database and how the app runs (login, admins).

A server builds one ``App`` and shares it between sessions (the Store hands each transaction its
own pooled connection). Every read and write goes through the service modules, which take this
``App`` and the acting person.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from selection.services.access import Actor, Config
from selection.storage.engine import database_url
from selection.storage.store import Store


@dataclass(frozen=True)
class App:
    store: Store
    config: Config

    @classmethod
    def open(cls, url: str | None = None, config: Config | None = None) -> App:
        """Open (and migrate) the database; on a first run without login, load the demo."""
        app = cls(Store.open(url or database_url()), config or Config())
        if not app.config.login and app.store.is_empty():
            from selection.services.demo import load_demo

            load_demo(app.store)
        return app

    def actor(self, name: str, email: str | None = None) -> Actor:
        return self.config.actor(name, email)


def default_database_url() -> str:
    """The database the app uses: ``SELECTION_DATABASE_URL``, else ``DATABASE_URL``, else the
    SQLite file under data/."""
    return database_url()


def code_generation() -> tuple[int, ...]:
    """Identities of the modules whose classes an App hands out, as loaded now. Streamlit
    reloads the app's modules when its files change (development server, update in place): an
    App kept from before would hand objects of the old classes to the new code (« expected a
    RecruitmentSnapshot, got RecruitmentSnapshot »). A server keeps its App per generation, so a
    reload opens a fresh one. Looked up in ``sys.modules``: this module may be the stale one."""
    return tuple(id(sys.modules.get(name)) for name in _HANDED_OUT)


# Modules loaded at every start (no lazy import changes the generation, so no App is opened twice).
_HANDED_OUT = (
    "selection.domain.model",
    "selection.storage.store",
    "selection.services.app",
    "selection.analysis.evidence",
)
