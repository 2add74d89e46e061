"""Journey 5: the lead downloads the reference-call guide of a candidate with open gaps, and it
asks about those gaps only; a candidate who has not agreed gets a clear refusal instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from selection.analysis.gaps import gaps_for_candidate
from selection.services.demo import demo_snapshot
from tests.e2e.conftest import (
    BrowserPage,
    StreamlitServer,
    choose,
    go_to,
    open_app,
    rerun,
    sign_in,
)

pytestmark = pytest.mark.e2e


def expected_gap_labels(name: str) -> list[str]:
    """The gap criteria the domain finds for this demo candidate (computed, not copied)."""
    snap = demo_snapshot()
    candidate = next(c for c in snap.candidates if c.name == name)
    return list(dict.fromkeys(g.criterion_label for g in gaps_for_candidate(snap, candidate.id)))


def test_reference_guide_download_asks_about_the_gaps_only(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    open_app(page, app_server.url)
    sign_in(page, "Camille Martin")
    go_to(page, "Références", "Prise de références")
    main = page.get_by_test_id("stMain")
    # Alice, first in the list, is already chosen: no rerun to wait for
    expect(main.get_by_role("combobox", name="Personne")).to_have_value("Alice Moreau")

    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le guide (Markdown)").click()
    download = info.value
    assert download.suggested_filename == "guide-references-alice-moreau.md"
    # Word joiners (U+2060) keep dotted names from becoming links in Markdown; they are invisible.
    guide = Path(download.path()).read_text(encoding="utf-8").replace("\u2060", "")

    gap_labels = expected_gap_labels("Alice Moreau")
    assert gap_labels, "the demo gives Alice open gaps (missing and partial proof)"
    assert "Alice" in guide
    snap = demo_snapshot()
    for crit in snap.criteria:
        if crit.label in gap_labels:
            assert crit.label in guide, f"the guide asks about « {crit.label} »"
        else:
            assert crit.label not in guide, f"« {crit.label} » is not a gap: not in the guide"
    for other in ("Bastien Roux", "Chloé Nguyen", "Emma Lefebvre"):
        assert other not in guide, "the guide never names another candidate"

    # Bastien has not reached the reference stage: no guide yet, and the page says what to do
    with rerun(page):
        choose(page, main, "Personne", "Bastien Roux")
    expect(main.get_by_text("n'a pas atteint l'étape", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="Télécharger le guide (Markdown)")).to_have_count(0)

    with rerun(page):
        choose(page, main, "Personne", "Chloé Nguyen")
    expect(main.get_by_text("n'est pas enregistré", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Télécharger le guide (Markdown)")).to_have_count(0)
    browser_page.console.assert_clean()
