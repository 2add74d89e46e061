"""Candidate report and decision record: complete, draft-free, and safe in Markdown and HTML."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.analysis.scoring import compare
from selection.documents.reports import (
    BulletList,
    Document,
    Heading,
    Paragraph,
    Span,
    candidate_report_html,
    candidate_report_markdown,
    clean_text,
    decision_record_html,
    decision_record_markdown,
    french_date,
    inline,
    markdown_to_html_document,
    parse_markdown,
    render_markdown,
    table,
)
from selection.domain.labels import DECISIONS, NOT_RATED, RATING_ANCHORS, WEIGHT_LEVELS
from selection.domain.model import ValidationError
from selection.domain.stages import STAGES
from tests.unit.test_exports import Factory

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def process() -> Factory:
    f = Factory()
    code = f.criterion("Concevoir un service fullstack", level=3, must_have=True)
    product = f.criterion("Comprendre le produit", level=2)
    alice = f.candidate("Alice Martin")
    bob = f.candidate("Bob Durand")
    f.rate(alice, code, 3, stage="prequalification", evidence="A livré une API publique en 2024.")
    f.rate(alice, code, 2, who="Yann", evidence="Tests * absents | dit « _on verra_ ».")
    f.rate(alice, product, None, evidence="Sujet non abordé faute de temps.")
    ev = f.rate(alice, product, 3, who="Yann", evidence=f"Cite les usagers {SCRIPT}")
    f.snapshot.evaluations[-1] = replace(
        ev, doubt=True, doubt_note="Vérifier l'autonomie en référence."
    )

    f.rate(alice, product, 1, who="Zoé", status="brouillon", evidence="NOTE-BROUILLON-SECRETE")
    f.rate(
        alice,
        code,
        3,
        stage="references",
        who="Léa",
        evidence="- La référente confirme\n\n# la mise en production\n1. sans incident",
    )
    f.decide(alice, "prequalification", "continuer", reason="Points clés couverts.")
    f.decide(alice, "intra", "continuer", reason="Preuves solides sur le code.")
    f.decide(alice, "references", "retenu", reason="Meilleure couverture des critères.", who="Inès")
    f.rate(bob, code, 1, evidence="Pas d'exemple de production.")
    f.decide(bob, "intra", "arreter", reason="Compétence clé non démontrée.")
    return f


def alice_id(f: Factory) -> str:
    return next(c.id for c in f.snapshot.candidates if c.name == "Alice Martin")


def text_of(markdown: str) -> str:
    """What a reader sees: the parsed document's text without Markdown escapes."""
    doc = parse_markdown(markdown)
    parts = [doc.title]
    for block in doc.blocks:
        if isinstance(block, Heading):
            parts.append(block.text)
        elif isinstance(block, Paragraph):
            parts.append("".join(s.text for s in block.text))
        elif isinstance(block, BulletList):
            parts += ["".join(s.text for s in item) for item in block.items]
        else:
            parts += [" | ".join(block.headers)] + [" | ".join(r) for r in block.rows]
    return "\n".join(parts)


def test_report_holds_every_submitted_rating_and_decision(process: Factory) -> None:
    cid = alice_id(process)
    seen = text_of(candidate_report_markdown(process.snapshot, cid, on=date(2026, 11, 28)))
    submitted = [
        e for e in process.snapshot.evaluations if e.candidate_id == cid and e.status == "soumis"
    ]
    assert len(submitted) == 5
    for ev in submitted:
        assert clean_text(ev.evidence) in seen
        label = RATING_ANCHORS[ev.rating] if ev.rating else NOT_RATED
        assert label in seen
        assert ev.interviewer in seen
    for dec in (d for d in process.snapshot.decisions if d.candidate_id == cid):
        assert dec.reason in seen
        assert DECISIONS[dec.decision] in seen
        assert dec.decided_by in seen
    assert "Vérifier l'autonomie en référence." in seen
    assert "14 novembre 2026" in seen and "12 novembre 2026" in seen


def test_report_never_includes_drafts(process: Factory) -> None:
    cid = alice_id(process)
    assert "NOTE-BROUILLON-SECRETE" not in candidate_report_markdown(process.snapshot, cid)
    assert "NOTE-BROUILLON-SECRETE" not in candidate_report_html(process.snapshot, cid)
    assert "Zoé" not in candidate_report_markdown(process.snapshot, cid)


def test_stages_follow_the_process_and_empty_ones_say_so(process: Factory) -> None:
    md = candidate_report_markdown(process.snapshot, alice_id(process))
    doc = parse_markdown(md)
    stage_headings = [b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 2]
    assert stage_headings == [f"{s.order}. {s.label}" for s in STAGES]
    blocks = list(doc.blocks)
    empty = []
    for i, block in enumerate(blocks):
        if isinstance(block, Heading) and block.level == 2:
            follower = blocks[i + 1]
            if isinstance(follower, Paragraph) and follower.text == inline(
                "N'a pas encore eu lieu."
            ):
                empty.append(block.text)
    assert empty == ["3. Mise en situation", "4. Entretien d'adéquation"]


def test_contact_details_only_on_request() -> None:
    f = Factory()
    person = replace(f.candidate("Chloé"), email="chloe@exemple.fr")
    f.snapshot.candidates[-1] = person
    assert "chloe@exemple.fr" not in candidate_report_markdown(f.snapshot, person.id)
    assert "chloe@exemple.fr" in text_of(
        candidate_report_markdown(f.snapshot, person.id, include_contact=True)
    )
    assert text_of(candidate_report_markdown(f.snapshot, person.id)).count(
        "N'a pas encore eu lieu."
    ) == len(STAGES)


def test_unknown_candidate_gets_a_french_message(process: Factory) -> None:
    with pytest.raises(ValidationError, match="introuvable"):
        candidate_report_markdown(process.snapshot, "personne")


def test_user_text_cannot_break_the_markdown(process: Factory) -> None:
    md = candidate_report_markdown(process.snapshot, alice_id(process))
    assert not re.search(r"^#+ la mise en production", md, flags=re.MULTILINE)
    assert not re.search(r"^\s*1\. sans incident", md, flags=re.MULTILINE)
    assert "<script>" not in md


def test_html_escapes_user_text(process: Factory) -> None:
    page = candidate_report_html(process.snapshot, alice_id(process))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "#000091" in page


def test_markdown_converter_gives_the_same_page(process: Factory) -> None:
    cid = alice_id(process)
    md = candidate_report_markdown(process.snapshot, cid, on=date(2026, 11, 28))
    title = parse_markdown(md).title
    assert markdown_to_html_document(title, md) == candidate_report_html(
        process.snapshot, cid, on=date(2026, 11, 28)
    )


def record_args(f: Factory) -> dict:
    crit = f.snapshot.criteria[0]
    return {
        "comparison": compare(f.snapshot, weights={crit.id: 1.5}),
        "robustness": "Le classement d'Alice Martin en tête tient dans 87 % des cas.",
        "open_gaps": ["Autonomie d'Alice : à vérifier en référence.", "Bob : produit non évalué."],
        "prepared_by": "Paul Secrétaire",
        "prepared_on": date(2026, 11, 28),
    }


def line_of(seen: str, label: str) -> str:
    (line,) = [line for line in seen.splitlines() if line.startswith(label)]
    return line


def test_decision_record_states_brief_ranking_gaps_and_decisions(process: Factory) -> None:
    args = record_args(process)
    seen = text_of(decision_record_markdown(process.snapshot, **args))
    assert args["robustness"] in seen
    for gap in args["open_gaps"]:
        assert gap in seen
    for crit in process.snapshot.criteria:
        assert crit.label in seen
        assert WEIGHT_LEVELS[crit.weight_level] in seen
    assert "Concevoir un service fullstack | 🔴 maximale | 3,0 | 1,5 | oui" in seen
    assert "Pondérations modifiées en réunion" in seen
    for dec in process.snapshot.decisions:
        assert dec.reason in seen
    doc = parse_markdown(decision_record_markdown(process.snapshot, **args))
    ranking = next(b for b in doc.blocks if hasattr(b, "headers") and "Matrice" in b.headers)
    assert [row[0] for row in ranking.rows] == ["Alice Martin", "Bob Durand"]
    assert {"Rang (moyenne)", "Rang (matrice)", "Rang (validés)"} <= set(ranking.headers)


def test_decision_record_names_who_made_the_final_choice_not_who_downloads(
    process: Factory,
) -> None:
    """Inès recorded « retenu·e » for Alice on 14 November; Paul downloads the file later."""
    seen = text_of(decision_record_markdown(process.snapshot, **record_args(process)))
    assert line_of(seen, "Choix final :") == "Choix final : Alice Martin retenu·e"
    assert line_of(seen, "Décision prise par :") == "Décision prise par : Inès, le 14 novembre 2026"
    assert (
        line_of(seen, "Document établi le :")
        == "Document établi le : 28 novembre 2026 par Paul Secrétaire"
    )
    # Former keyword names, as the meeting page passes the current user: still not the decider.
    legacy = record_args(process)
    legacy["decided_by"] = legacy.pop("prepared_by")
    legacy["decided_on"] = legacy.pop("prepared_on")
    seen = text_of(decision_record_markdown(process.snapshot, **legacy))
    assert line_of(seen, "Décision prise par :") == "Décision prise par : Inès, le 14 novembre 2026"
    assert "Paul Secrétaire" in line_of(seen, "Document établi le :")


def test_decision_record_follows_the_latest_final_choice(process: Factory) -> None:
    bob = next(c for c in process.snapshot.candidates if c.name == "Bob Durand")
    later = process.decide(bob, "references", "retenu", reason="Revu après appel.", who="Jules")
    process.snapshot.decisions[-1] = replace(later, decided_at=datetime(2026, 12, 1, 9, 0))
    seen = text_of(decision_record_markdown(process.snapshot, compare(process.snapshot)))
    assert line_of(seen, "Choix final :") == "Choix final : Bob Durand retenu·e"
    assert (
        line_of(seen, "Décision prise par :") == "Décision prise par : Jules, le 1er décembre 2026"
    )


def test_before_any_final_choice_the_record_says_none_is_recorded(process: Factory) -> None:
    process.snapshot.decisions = [d for d in process.snapshot.decisions if d.decision != "retenu"]
    args = record_args(process)
    seen = text_of(decision_record_markdown(process.snapshot, **args))
    decided = line_of(seen, "Décision prise par :")
    assert "aucune décision finale n'est encore enregistrée" in decided
    assert "Paul" not in decided and "Inès" not in decided
    assert "Choix final :" not in seen
    assert "Paul Secrétaire" in line_of(seen, "Document établi le :")


def test_decision_record_defaults(process: Factory) -> None:
    seen = text_of(decision_record_markdown(process.snapshot, compare(process.snapshot)))
    assert line_of(seen, "Document établi le :") == "Document établi le : " + french_date(
        date.today()
    )
    assert "Analyse de robustesse non jointe." in seen
    assert "Aucun point ouvert signalé." in seen
    assert "Les pondérations utilisées sont celles du cadrage enregistré." in seen


def test_documents_show_the_raters_name_never_their_login(process: Factory) -> None:
    cid = alice_id(process)
    ev = process.rate(
        process.snapshot.candidates[0],
        process.snapshot.criteria[1],
        2,
        who="yann.le-goff@beta.gouv.fr",
        evidence="Explique le parcours usager.",
    )
    process.snapshot.evaluations[-1] = replace(ev, interviewer_name="Yann Le Goff")
    for page in (
        text_of(candidate_report_markdown(process.snapshot, cid)),
        candidate_report_html(process.snapshot, cid),
    ):
        assert "Yann Le Goff" in page
        assert "yann.le-goff" not in page


def test_decision_record_html_is_printable_and_escaped(process: Factory) -> None:
    process.candidate(SCRIPT)
    args = record_args(process)
    args["open_gaps"] = [f"Vérifier {SCRIPT}"]
    page = decision_record_html(process.snapshot, **args)
    assert "<script>" not in page
    assert page.count("&lt;script&gt;") >= 2
    assert "@media print" in page
    assert "<table>" in page and '<th scope="col">' in page


# --- Markdown round trip: the converter reads back everything the renderer writes -----------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FF)
    | st.sampled_from(list("*_`|#-+=<>[]\\!~.1\n ")),
    max_size=40,
)
PLAIN = TEXT.map(clean_text)
SPAN = st.one_of(PLAIN.map(Span), PLAIN.map(lambda t: Span(t, True)))
INLINE = st.lists(SPAN, max_size=4).map(lambda spans: inline(*spans)).filter(bool)
LINE = TEXT.map(lambda t: " ".join(t.split())).filter(bool)
BLOCK = st.one_of(
    st.builds(Heading, st.integers(2, 4), LINE),
    st.builds(Paragraph, INLINE),
    st.lists(INLINE, min_size=1, max_size=3).map(lambda items: BulletList(tuple(items))),
    st.integers(1, 4).flatmap(
        lambda width: st.builds(
            table,
            st.lists(LINE, min_size=width, max_size=width),
            st.lists(st.lists(TEXT, min_size=width, max_size=width), max_size=3),
        )
    ),
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(title=LINE, blocks=st.lists(BLOCK, max_size=6))
def test_markdown_round_trip(title: str, blocks: list) -> None:
    merged: list = []
    for block in blocks:
        # Two lists in a row are one list in Markdown: the renderer never emits that.
        if merged and isinstance(block, BulletList) and isinstance(merged[-1], BulletList):
            continue
        merged.append(block)
    doc = Document(title, tuple(merged))
    assert parse_markdown(render_markdown(doc)) == doc


def test_an_adequation_interview_with_observations_only_has_taken_place() -> None:
    """The culture-fit interview is never rated: its observations are what says it happened,
    and the right-of-access file names their severity as the screens do."""
    from selection.documents.access import access_markdown
    from selection.services.demo import demo_snapshot

    snap = demo_snapshot()
    noted = {n.candidate_id for n in snap.culture_notes}
    rated_there = {e.candidate_id for e in snap.evaluations if e.stage == "adequation"} | {
        d.candidate_id for d in snap.decisions if d.stage == "adequation"
    }
    person = next(c for c in snap.candidates if c.id in noted and c.id not in rated_there)
    text = text_of(candidate_report_markdown(snap, person.id))
    section = text.split("4. Entretien d'adéquation", 1)[1].split("5. ", 1)[0]
    assert "N'a pas encore eu lieu." not in section
    assert "Date" in section
    warned = next(n for n in snap.culture_notes if n.candidate_id == person.id and n.warning)
    shown = {"faible": "faible", "moyen": "modéré", "fort": "fort"}[warned.severity]
    assert f"signal d'alerte ({shown})" in text_of(access_markdown(snap, person.id))
