"""The reference-call guide built from a candidate's gaps: what it asks, of whom, in what order,
and that both downloads say it safely (documents/reference_guide.py)."""

from __future__ import annotations

import re

import pytest

from selection.analysis.gaps import find_gaps, gaps_for_candidate
from selection.documents.reference_guide import (
    guide_document,
    guide_filename,
    guide_html,
    guide_markdown,
    reference_guide,
)
from selection.domain.model import Candidate, ValidationError
from tests.unit.markdown_view import headings, html_text, markdown_html, markdown_text
from tests.unit.test_gaps import relevance_snapshot

PLACEHOLDER = re.compile(r"[\[\]{}]")


def bastien_guide(**kwargs):
    snapshot = relevance_snapshot()
    gaps = gaps_for_candidate(snapshot, "c1")
    return reference_guide(snapshot, "c1", gaps, "Marc Durand", references_agreed=True, **kwargs)


def both_texts(guide) -> list[str]:
    return [markdown_text(guide_markdown(guide)), html_text(guide_html(guide))]


def test_the_guide_asks_about_exactly_the_gap_criteria_by_first_name():
    guide = bastien_guide()
    assert [q.criterion_id for q in guide.questions] == ["k1", "k3"]
    assert guide.questions[0].question.startswith(
        "Avez-vous vu Bastien mener des entretiens utilisateurs et en tirer des enseignements"
    )
    assert "Avez-vous vu Bastien" in guide.questions[1].question
    for text in both_texts(guide):
        assert "Recherche utilisateur" in text and "Conception de parcours" in text
        assert "Ergonomie" not in text  # validated for Bastien: not asked
        assert "Bastien Roux" in text
        assert "Parcours présenté très guidé" in text  # the doubt to lift


def test_each_question_is_a_numbered_card_with_room_for_notes():
    guide = bastien_guide()
    expected = [f"3.{i}. {q.criterion_label}" for i, q in enumerate(guide.questions, start=1)]
    assert headings(markdown_html(guide_markdown(guide)), 3) == expected
    page = guide_html(guide)
    assert headings(page, 3) == expected
    cards = re.findall(r'<section class="card">(.*?)</section>', page, flags=re.DOTALL)
    assert len(cards) == len(guide.questions)
    for card, question in zip(cards, guide.questions, strict=True):
        assert "<blockquote>" in card and 'class="notes"' in card
        assert question.criterion_label in html_text(card)


def test_the_guide_follows_the_reference_call_format():
    for text in both_texts(bastien_guide()):
        assert "moins de 15 minutes" in text
        assert "a donné son accord pour cette prise de références" in text
        assert "le poste qu'occupait Bastien Roux" in text
        assert (
            "Recommanderiez-vous Bastien pour une mission de ce type dans un service public" in text
        )
        assert "☐ Oui ☐ Oui, avec des réserves (lesquelles ?) ☐ Non" in text
        assert "Remerciez Marc Durand" in text
        sections = [
            "1. Présentation",
            "2. Poste et missions tenues",
            "3. Compétences observées",
            "4. Recommandation",
            "Clôture",
        ]
        positions = [text.index(s) for s in sections]
        assert positions == sorted(positions)


def test_the_guide_names_no_other_candidate():
    for text in both_texts(bastien_guide()):
        assert "Alice" not in text and "Chloé" not in text


def test_the_guide_is_refused_without_agreement():
    snapshot = relevance_snapshot()
    gaps = gaps_for_candidate(snapshot, "c1")
    with pytest.raises(ValidationError, match="n'a pas donné son accord"):
        reference_guide(snapshot, "c1", gaps, references_agreed=False)
    with pytest.raises(ValidationError, match="notez-le lors de la préqualification"):
        reference_guide(snapshot, "c1", gaps, references_agreed=None)


def test_no_placeholder_is_left_in_the_guide():
    guide = bastien_guide()
    for text in both_texts(guide):
        assert not PLACEHOLDER.search(text)
    for gap in find_gaps(relevance_snapshot()):
        assert not PLACEHOLDER.search(gap.reason)


def test_the_printable_guide_escapes_what_people_typed():
    snapshot = relevance_snapshot()
    snapshot.candidates[1] = Candidate(id="c1", recruitment_id="r", name="Bastien <b>Roux</b>")
    guide = reference_guide(
        snapshot, "c1", gaps_for_candidate(snapshot, "c1"), references_agreed=True
    )
    page = guide_html(guide)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "<b>Roux</b>" not in page and "&lt;b&gt;Roux&lt;/b&gt;" in page
    assert "#000091" in page  # Bleu France
    assert "<b>" not in markdown_html(guide_markdown(guide))
    assert "Bastien <b>Roux</b>" in markdown_text(guide_markdown(guide))


def test_guide_file_names_are_plain_ascii():
    guide = reference_guide(
        relevance_snapshot(),
        "c2",
        gaps_for_candidate(relevance_snapshot(), "c2"),
        references_agreed=True,
    )
    assert guide_filename(guide) == "guide-references-chloe-petit.md"
    assert guide_filename(guide, "html") == "guide-references-chloe-petit.html"
    with pytest.raises(ValidationError):
        guide_filename(guide, "pdf")


def test_a_guide_without_gaps_keeps_the_role_and_recommendation_questions():
    snapshot = relevance_snapshot()
    guide = reference_guide(snapshot, "c0", [], references_agreed=True)
    assert guide.questions == ()
    for text in both_texts(guide):
        assert "Aucun point incertain" in text and "Recommanderiez-vous Alice" in text
    assert guide_document(guide).title == "Prise de références — Alice Moreau"
