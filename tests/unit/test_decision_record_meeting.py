"""The decision record as the meeting writes it: the view chosen, both probabilities of leading,
the lead's verdict, the stages still closed, the panel's calibration and one sentence of help per
figure — each section in Markdown and on the printable page alike, user text kept as text."""

from __future__ import annotations

from datetime import date

from selection.analysis.meeting import FIGURE_HELP, PROBABILITY_COLUMNS
from selection.analysis.robustness import MISSING_PRIOR_HELP
from selection.documents.reports import decision_record, render_html, render_markdown
from selection.services import meeting
from selection.services.access import Config
from selection.services.demo import demo_snapshot
from selection.services.reading import scoped_view
from tests.unit.hostile import LINE
from tests.unit.markdown_view import headings, html_text, markdown_html, markdown_text


def meeting_record(closed=(), weights=None, view="moyenne"):
    snapshot = demo_snapshot()
    config = Config()
    scoped = scoped_view(snapshot, config.actor("Lecture Test"), config, frozenset())
    prepared = meeting.prepare(scoped, active_only=True, min_stage="prequalification")
    saved = {c.id: c.weight for c in snapshot.criteria}
    document = meeting.decision_record_document(
        prepared, weights or saved, view, date(2026, 11, 30)
    )
    if closed:
        document = decision_record(
            prepared.snapshot,
            meeting.weigh(prepared, weights or saved),
            closed=closed,
            prepared_on=date(2026, 11, 30),
        )
    return prepared, document


def test_the_record_carries_every_section_of_the_meeting_in_both_formats() -> None:
    _, document = meeting_record()
    md, page = render_markdown(document), render_html(document)
    for heading in (
        "Robustesse du classement",
        "Calibration du panel",
        "Comment lire ces chiffres",
    ):
        assert heading in headings(markdown_html(md), 2)
        assert heading in headings(page, 2)
    for text in (markdown_text(md), html_text(page)):
        assert "Vue retenue en réunion : Moyenne pondérée (0–100 %)." in text
        assert all(column in text for column in PROBABILITY_COLUMNS)
        assert "Solidité de la tête" in text
        assert MISSING_PRIOR_HELP.split(" : ")[0] in text
        assert "Écart de chaque personne au reste du panel" in text
        assert "Accord entre les personnes, critère par critère" in text
        for sentence in FIGURE_HELP.values():
            assert sentence in text


def test_the_record_says_which_view_and_when_the_views_disagree() -> None:
    """In the demo the guide's view names somebody else: the record says so, and follows the
    view chosen in the meeting (the sentence for « valides » says the weights change nothing)."""
    _, document = meeting_record(view="valides")
    text = markdown_text(render_markdown(document))
    assert "Vue retenue en réunion : Somme des critères validés (guide)." in text
    # Said once, with who leads in each view (the meeting's warning is not repeated under it).
    assert "Les vues ne placent pas la même candidature en tête (Moyenne pondérée" in text
    assert "Somme des critères validés (guide) : Alice Moreau)" in text
    assert text.lower().count("ne placent pas la même") == 1
    assert meeting.WEIGHTS_DO_NOT_APPLY in text
    assert meeting.WEIGHTED_SECTIONS_NOTE in text  # the robustness below weighs criteria


def test_closed_stages_are_listed_and_user_text_stays_text() -> None:
    line = f"{LINE} — Entretien intra / métier : en attente de Zoé"
    _, document = meeting_record(closed=[line])
    md = render_markdown(document)
    page = render_html(document)
    assert "Étapes encore fermées à la discussion" in headings(markdown_html(md), 2)
    assert "Étapes encore fermées à la discussion" in headings(page, 2)
    assert "<script>" not in page and "<a " not in markdown_html(md)
    assert "en attente de Zoé" in markdown_text(md)
