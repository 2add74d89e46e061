"""The permission table through the pages (login on): for every role and every action a page
exposes, the control is there when the table allows it, and absent or disabled when it does not
(pressing it anyway is a crafted request, refused by the service: test_services.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from selection.domain.permissions import PERMISSIONS, Action, Role
from selection.services.demo import load_demo
from selection.storage.schema import metadata
from selection.storage.store import Store
from tests.app.conftest import no_exception
from tests.app.test_access_control import AUTH

PEOPLE = {
    Role.RESPONSIBLE: ("Camille Martin", "camille@beta.gouv.fr"),
    Role.MEMBER: ("Karim Benali", "karim@beta.gouv.fr"),
    Role.ADMIN: ("Ada Admin", "admin@beta.gouv.fr"),
}


def dump(store: Store) -> dict:
    with store.read() as conn:
        return {
            t.name: sorted(tuple(map(str, r)) for r in conn.execute(sa.select(t)))
            for t in metadata.sorted_tables
            if t.name != "audit_log"  # logins are journaled; everything else must stay
        }


@dataclass(frozen=True)
class Case:
    page: str
    find: Callable[[AppTest], object | None]  # the control, or None when the page hides it
    act: Callable[[AppTest, object], None] | None = None  # done when allowed: must write


def button(label: str):
    def find(app: AppTest):
        return next((b for b in app.button if b.label == label), None)

    return find


def submit(app: AppTest, control) -> None:
    control.click().run()


def _weights(app: AppTest, control) -> None:
    slider = next(s for s in app.select_slider if s.key and s.key.startswith("brief_w_"))
    slider.set_value(0.3)
    control.click().run()


def _member(app: AppTest, control) -> None:
    next(t for t in app.text_input if t.label.startswith("Adresse électronique du nouveau")).input(
        "nouvelle@beta.gouv.fr"
    )
    control.click().run()


def _decision(value: str):
    def act(app: AppTest, control) -> None:
        app.selectbox(key="decide_candidate").set_value(_ids(app)["Emma Lefebvre"]).run()
        next(r for r in app.radio if r.label == "Décision").set_value(value)
        app.text_area[[t.label for t in app.text_area].index("Raison")].input("Motif écrit")
        next(b for b in app.button if b.label == "Enregistrer la décision").click().run()

    return act


def _rate(app: AppTest, control) -> None:
    app.selectbox(key="eval_candidate").set_value(_ids(app)["Emma Lefebvre"]).run()
    radio = next(r for r in app.radio if r.key and r.key.startswith("r_"))
    radio.set_value(3)
    app.text_area(key=radio.key.replace("r_", "e_", 1)).input("Preuve concrète observée.")
    next(
        b
        for b in app.button
        if b.label in ("Soumettre mon évaluation", "Enregistrer la correction")
    ).click().run()


def _ids(app: AppTest) -> dict[str, str]:
    store = Store.open(app._env_db)  # set by the fixture
    return {c.name: c.id for c in store.list_candidates(app.session_state["recruitment_id"])}


CASES: dict[Action, Case] = {
    Action.EDIT_BRIEF: Case("cadrage", button("Enregistrer les pondérations"), _weights),
    Action.MANAGE_MEMBERS: Case("cadrage", button("Ajouter le membre"), _member),
    Action.CLOSE_REOPEN: Case("cadrage", button("Clore le recrutement"), submit),
    Action.STAGE_DECISION: Case(
        "candidats", button("Enregistrer la décision"), _decision("en_attente")
    ),
    Action.FINAL_CHOICE: Case("candidats", button("Enregistrer la décision")),
    Action.ASSIGN_PANEL: Case("candidats", button("Affecter")),
    Action.RATE: Case(
        "evaluations",
        lambda app: next(
            (
                b
                for b in app.button
                if b.label
                in (
                    "Soumettre mon évaluation",
                    "Enregistrer la correction",
                    "Enregistrer l'observation",
                )
            ),
            None,
        ),
        _rate,
    ),
    Action.BACKUP: Case(
        "donnees",
        lambda app: next(
            (d for d in app.get("download_button") if "Sauvegarder" in d.proto.label), None
        ),
    ),
    Action.ERASE: Case(
        "donnees",
        lambda app: next((t for t in app.text_input if t.key == "erase_confirm"), None),
    ),
    Action.SETTINGS: Case("donnees", button("Enregistrer les durées"), submit),
}


@pytest.fixture
def secured(app: AppTest, app_store: Store, app_db: str) -> AppTest:
    rid = load_demo(app_store, owner_email=PEOPLE[Role.RESPONSIBLE][1])
    app_store.add_member(rid, PEOPLE[Role.MEMBER][1], "membre", "test")
    app.secrets["auth"] = AUTH
    app.secrets["admin"] = {"emails": [PEOPLE[Role.ADMIN][1]]}
    app._env_db = app_db
    return app


def disabled(control) -> bool:
    proto = getattr(control, "proto", None)
    return bool(getattr(control, "disabled", False) or (proto is not None and proto.disabled))


@pytest.mark.slow  # 30 AppTest runs: part of the full suite, not of the fast loop
@pytest.mark.parametrize("role", list(PEOPLE), ids=lambda r: r.value)
@pytest.mark.parametrize("action", list(CASES), ids=lambda a: a.value)
def test_pages_offer_what_the_table_allows_and_nothing_else(
    secured: AppTest, app_store: Store, role: Role, action: Action
) -> None:
    app = secured
    name, email = PEOPLE[role]
    app.user = {"is_logged_in": True, "email": email, "name": name}
    app.run()
    case = CASES[action]
    app.switch_page(f"pages/{case.page}.py").run()
    no_exception(app)
    control = case.find(app)
    allowed = role in PERMISSIONS[action]
    if allowed:
        assert control is not None and not disabled(control), f"{action} hidden from {role}"
        if case.act is not None:
            before = dump(app_store)
            case.act(app, control)
            no_exception(app)
            assert not app.error, [e.value for e in app.error]
            assert dump(app_store) != before, f"{action} by {role} wrote nothing"
        return
    # Hidden or disabled (a browser cannot press a disabled control; a crafted request still
    # meets the service's refusal: tests/integration/test_services.py).
    assert control is None or disabled(control), f"{action} offered to {role}"
