"""The shared document model: each block reads the same in Markdown (as a CommonMark + GFM
viewer shows it) and on the printable page, and every page is standalone and printable."""

from __future__ import annotations

import re

import pytest

from selection.documents.document import (
    Box,
    BulletList,
    Checklist,
    Document,
    Heading,
    NotesArea,
    NumberedList,
    Paragraph,
    Quote,
    bold,
    inline,
    render_html,
    render_markdown,
    table,
)
from selection.domain.colours import BLEU_FRANCE, FONT
from tests.unit.hostile import hostile_documents
from tests.unit.markdown_view import html_text, markdown_html, markdown_text

SAMPLE = Document(
    "Titre",
    (
        Heading(2, "Section"),
        Paragraph(inline(bold("Libellé :"), " valeur", "\n", "deuxième ligne")),
        NumberedList((inline("premier"), inline("second")), start=3),
        Quote(inline("Une question à lire ?")),
        Checklist((inline("Oui"), inline("Non")), label=inline(bold("Avis :")), horizontal=True),
        Checklist((inline(bold("Date"), " — à vérifier"), inline("TJM"))),
        NotesArea("Preuves observées :", lines=5),
        Box((Paragraph(inline("Dans l'encadré")), BulletList((inline("point"),)))),
        Box((Heading(3, "Carte"), Paragraph(inline("Contenu de la carte"))), kind="card"),
        table(("Durée", "Séquence"), [("5 min", "Accueil")]),
    ),
)
WORDS = (
    "Titre Section Libellé : valeur deuxième ligne premier second Une question à lire ? "
    "Avis : ☐ Oui ☐ Non ☐ Date — à vérifier ☐ TJM Preuves observées : Dans l'encadré point "
    "Carte Contenu de la carte Durée Séquence 5 min Accueil"
)


def test_both_formats_say_the_same_words_in_the_same_order():
    assert markdown_text(render_markdown(SAMPLE)) == WORDS
    assert html_text(render_html(SAMPLE)) == WORDS


def test_markdown_structure_of_each_block():
    page = markdown_html(render_markdown(SAMPLE))
    assert '<ol start="3">' in page
    assert page.count("<blockquote>") == 2  # the quotation and the callout
    assert "<p><strong>Avis :</strong> ☐ Oui ☐ Non</p>" in page.replace("\u2003", " ")
    assert "<li>☐ <strong>Date</strong> — à vérifier</li>" in page
    assert "<p><strong>Preuves observées :</strong></p>" in page
    assert "<h3>Carte</h3>" in page and "<table>" in page
    assert "<br />\ndeuxième ligne" in page


def test_html_structure_of_each_block():
    page = render_html(SAMPLE)
    assert '<ol start="3">' in page
    assert "<blockquote><p>Une question à lire ?</p></blockquote>" in page
    assert (
        '<p class="options"><strong>Avis :</strong> <span>☐ Oui</span><span>☐ Non</span></p>'
        in (page)
    )
    assert '<ul class="checklist">' in page
    assert re.search(r'<div class="notes" style="min-height: [\d.]+rem">Preuves observées :', page)
    assert '<section class="callout">' in page and '<section class="card">' in page
    assert '<th scope="col">Durée</th>' in page


@pytest.mark.parametrize("item", hostile_documents(), ids=lambda d: d.name)
def test_every_document_is_a_standalone_printable_french_page(item):
    page = render_html(item.document)
    assert page.startswith("<!DOCTYPE html>\n")
    assert '<html lang="fr">' in page and '<meta charset="utf-8">' in page
    assert BLEU_FRANCE in page and FONT in page
    assert "Marianne" not in page
    assert "@media print" in page and "size: A4" in page
    assert "<link" not in page and "<script" not in page and "<img" not in page
    (style,) = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    for external in ("@import", "url(", "http:", "https:"):
        assert external not in style, external
    assert page.count("<h1>") == 1
