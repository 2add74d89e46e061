"""Every kind of document the app writes, filled with hostile user text: Markdown links and
images, raw HTML, Markdown syntax, and the bare URLs and e-mail addresses that GFM viewers
(Streamlit's ``st.markdown`` among them) turn into links by themselves.

Shared by the unit test that reads the Markdown with a CommonMark + GFM parser and by the
browser test that renders it with Streamlit in Chromium."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from selection.analysis.gaps import gaps_for_candidate
from selection.analysis.scoring import compare
from selection.documents.access import RatingChange, access_document
from selection.documents.document import Document
from selection.documents.kits import build_kit, kit_document
from selection.documents.reference_guide import guide_document, reference_guide
from selection.documents.reports import candidate_report, decision_record
from selection.domain.model import (
    Candidate,
    Criterion,
    CultureNote,
    Evaluation,
    Recruitment,
    RecruitmentSnapshot,
    ReferenceCall,
    StageDecision,
)

# Each one alone on a line of a note, and all of them on one line in names and labels.
HOSTILE: tuple[str, ...] = (
    "[clic](javascript:alert(1))",
    "![image](http://evil.example/x.png)",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "<https://evil.fr/autolien>",
    "https://evil.example/chemin?q=1",
    "http://evil.fr",
    "www.evil.fr",
    "WWW.evil.com",
    "contact@evil.fr",
    "mailto:equipe@evil.fr",
    "evil.com",
    "//evil.com/x",
    "**gras** _italique_ ~~barré~~ `code`",
    "# titre",
    "- liste",
    "+ liste",
    "1. liste",
    "2) liste",
    "- [ ] case à cocher",
    "| a | b |",
    "> citation",
    "---",
    "===",
    "    bloc de code",
    "&lt;b&gt; &amp; &#x6A;",
    "[ref]: https://evil.fr",
    "[ref]",
    "$x^2$",
    ":red[rouge]",
    "[^1] note",
    "\\",
)
LINE = " ".join(h.strip() for h in HOSTILE)  # what one-line fields show
NOTE = "\n".join(HOSTILE)  # a multi-line note

NAME = "Zoé " + LINE  # the first word stays a plain first name for the guide's questions


def hostile_snapshot() -> RecruitmentSnapshot:
    """Built without the entities' validation: as if the data reached storage another way."""
    rec = Recruitment(
        id="r",
        title=LINE,
        role=LINE,
        team=LINE,
        remote_policy=LINE,
        start_date=date(2026, 3, 2),
        max_daily_rate=650,
    )
    crit = Criterion(
        id="k1",
        recruitment_id="r",
        label=LINE,
        statement=LINE,
        category=LINE,
        weight=3.0,
        weight_level=3,
        must_have=True,
        stages=("prequalification", "intra", "adequation", "references"),
        questions=(LINE, LINE),
    )
    other = Criterion(
        id="k2", recruitment_id="r", label="Autre critère", weight=1.0, weight_level=1
    )
    cand = Candidate(
        id="c1",
        recruitment_id="r",
        name=NAME,
        email="zoe@evil.fr",
        phone=LINE,
        source=LINE,
        references_agreed=True,
        other_processes=LINE,
        created_at=datetime(2026, 11, 1, 9, 0),
    )
    rival = Candidate(id="c2", recruitment_id="r", name="Yves Rival")
    when = datetime(2026, 11, 12, 10, 0)
    evaluations = [
        Evaluation(
            id="e1",
            candidate_id="c1",
            stage="intra",
            criterion_id="k1",
            interviewer="rater@evil.fr",
            interviewer_name=LINE,
            rating=2,
            evidence=NOTE,
            doubt=True,
            doubt_note=NOTE,
            created_at=when,
        ),
        Evaluation(
            id="e2",
            candidate_id="c1",
            stage="intra",
            criterion_id="k1",
            interviewer="autre@evil.fr",
            interviewer_name="Awa",
            rating=None,
            evidence=NOTE,
            status="brouillon",
            created_at=when,
        ),
        Evaluation(
            id="e3",
            candidate_id="c2",
            stage="intra",
            criterion_id="k1",
            interviewer="rater@evil.fr",
            interviewer_name="Awa",
            rating=3,
            evidence="Exemple concret.",
            created_at=when,
        ),
        Evaluation(
            id="e4",
            candidate_id="c2",
            stage="intra",
            criterion_id="k2",
            interviewer="rater@evil.fr",
            interviewer_name="Awa",
            rating=3,
            evidence="Exemple concret.",
            created_at=when,
        ),
    ]
    decisions = [
        StageDecision(
            id="d1",
            candidate_id="c1",
            stage="intra",
            decision="continuer",
            decided_by=LINE,
            reason=NOTE,
            decided_at=when,
        ),
        StageDecision(
            id="d2",
            candidate_id="c1",
            stage="references",
            decision="retenu",
            decided_by=LINE,
            reason=NOTE,
            decided_at=datetime(2026, 11, 20, 10, 0),
        ),
    ]
    notes = [
        CultureNote(
            id="n1",
            candidate_id="c1",
            author="auteur@evil.fr",
            author_name=LINE,
            note=NOTE,
            warning=True,
            severity="fort",
            created_at=when,
        )
    ]
    calls = [
        ReferenceCall(
            id="rc1",
            candidate_id="c1",
            referee_name=LINE,
            relation=LINE,
            organisation=LINE,
            called_on=date(2026, 11, 18),
            recommendation="oui",
            recorded_by=LINE,
            notes=NOTE,
        )
    ]
    return RecruitmentSnapshot(
        rec, [crit, other], [cand, rival], evaluations, decisions, notes, calls
    )


@dataclass(frozen=True)
class HostileDocument:
    name: str
    document: Document
    multi_line: bool  # holds NOTE (each hostile text on its own line), not only LINE


def hostile_documents() -> list[HostileDocument]:
    snap = hostile_snapshot()
    comparison = compare(snap)
    docs = [
        HostileDocument(
            f"kit-{stage}", kit_document(build_kit(snap.recruitment, snap.criteria, stage)), False
        )
        for stage in ("prequalification", "intra", "adequation", "references")
    ]
    docs.append(
        HostileDocument(
            "compte-rendu",
            candidate_report(snap, "c1", include_contact=True, on=date.today()),
            True,
        )
    )
    docs.append(
        HostileDocument(
            "releve-de-decision",
            decision_record(
                snap,
                comparison,
                robustness=NOTE,
                open_gaps=[NOTE, LINE],
                prepared_by=LINE,
                prepared_on=date(2026, 11, 28),
            ),
            True,
        )
    )
    guide = reference_guide(
        snap, "c1", gaps_for_candidate(snap, "c1"), LINE, references_agreed=True
    )
    docs.append(HostileDocument("guide-references", guide_document(guide), True))
    history = [
        RatingChange(
            criterion_id="k1",
            stage="intra",
            changed_at=datetime(2026, 11, 13, 9, 0),
            changed_by="rater@evil.fr",
            old_rating=1,
            new_rating=2,
            old_evidence=NOTE,
            new_evidence=NOTE,
        )
    ]
    docs.append(
        HostileDocument(
            "export-acces",
            access_document(
                snap, "c1", history=history, deletion_due=date(2027, 2, 1), on=date(2026, 12, 1)
            ),
            True,
        )
    )
    return docs
