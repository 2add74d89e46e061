"""Two people with the same name (a CSV imported twice, real namesakes) are two people on every
page: nothing crashes, and the meeting tells them apart."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from selection.domain.ids import new_id
from selection.domain.model import Candidate
from selection.storage.store import Store
from tests.app.conftest import no_exception
from ui.bootstrap import PAGES


def test_every_page_opens_with_namesakes_and_the_meeting_tells_them_apart(
    app: AppTest, app_store: Store
) -> None:
    app.run()
    rid = app.session_state["recruitment_id"]
    for _ in range(2):
        app_store.save_candidate(Candidate(id=new_id(), recruitment_id=rid, name="Kévin Homonyme"))
    # A namesake of a person with ratings, too.
    app_store.save_candidate(Candidate(id=new_id(), recruitment_id=rid, name="Alice Moreau"))
    app.text_input(key="user").input("Camille Martin").run()
    for file, _title, _icon in PAGES:
        app.switch_page(f"pages/{file}").run()
        no_exception(app)
        assert not app.error, (file, [e.value for e in app.error])
    app.switch_page("pages/comparaison.py").run()
    app.segmented_control(key="cmp_scope").set_value("Toutes").run()
    no_exception(app)
    shown = "\n".join(d.value.to_csv() for d in app.dataframe)
    assert "Kévin Homonyme (1)" in shown and "Kévin Homonyme (2)" in shown
    assert "Alice Moreau (1)" in shown and "Alice Moreau (2)" in shown
    # Choosers tell them apart too (erasing the wrong one must not be a coin toss).
    app.switch_page("pages/donnees.py").run()
    options = app.selectbox(key="rights_person").options
    assert "Kévin Homonyme (1)" in options and "Kévin Homonyme (2)" in options
    app.switch_page("pages/candidats.py").run()
    assert "Alice Moreau (2)" in app.selectbox(key="decide_candidate").options
