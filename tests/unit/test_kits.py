"""Interview kits: the right criteria per stage, everything an interviewer needs, nothing to fill in."""

from __future__ import annotations

import re
from datetime import date

import pytest

from selection.documents.kits import build_kit, kit_filename, kit_html, kit_markdown
from selection.domain.labels import NOT_RATED, RATING_ANCHORS
from selection.domain.model import Criterion, Recruitment, ValidationError
from selection.domain.presets import get_preset, list_presets, load_preset
from selection.domain.stages import STAGE_CODES, STAGES
from tests.unit.markdown_view import headings, html_text, markdown_html, markdown_text

PRESET_KEYS = [info.key for info in list_presets()]
PLACEHOLDERS = [
    re.compile(r"\[[^\]]*\]"),
    re.compile(r"\{[^}]*\}"),
    re.compile(r"TODO|FIXME|XXX|\bNone\b|\bnan\b", re.IGNORECASE),
]

MISSION = Recruitment(
    id="rec",
    title="Développeur·se fullstack",
    role="Développeur·se",
    team="MISTRAL",
    start_date=date(2026, 3, 2),
    days_per_week=2.5,
    remote_policy="Deux jours par semaine sur place",
    max_daily_rate=650,
    references_required=True,
)
OPEN_MISSION = Recruitment(id="rec", title="Coach", references_required=False)


def visible_text(page: str) -> str:
    """What a reader sees in the HTML: no style sheet, no tags, entities decoded."""
    return html_text(page)


def criterion_headings(page_html: str) -> list[str]:
    """The numbered criterion headings (h3) of a rendered kit, without their number."""
    return [re.sub(r"^\d+\. ", "", h) for h in headings(page_html, 3)]


def assigned(criteria: list[Criterion], stage_code: str) -> list[str]:
    return [c.label for c in criteria if stage_code in c.stages]


@pytest.mark.parametrize("key", PRESET_KEYS)
@pytest.mark.parametrize("stage_code", STAGE_CODES)
def test_a_kit_lists_exactly_the_criteria_assigned_to_its_stage(key, stage_code):
    criteria = load_preset(key, "rec")
    kit = build_kit(MISSION, criteria, stage_code, preset_key=key)
    expected = assigned(criteria, stage_code)
    assert [c.label for c in kit.criteria] == expected
    assert criterion_headings(markdown_html(kit_markdown(kit))) == expected
    assert criterion_headings(kit_html(kit)) == expected
    assert visible_text(kit_html(kit)).count("Critères évalués à cette étape") == 1


@pytest.mark.parametrize("key", PRESET_KEYS)
@pytest.mark.parametrize("stage_code", STAGE_CODES)
@pytest.mark.parametrize("mission", [MISSION, OPEN_MISSION])
@pytest.mark.parametrize("with_preset", [True, False])
def test_no_placeholder_is_left_in_any_download(key, stage_code, mission, with_preset):
    kit = build_kit(
        mission, load_preset(key, "rec"), stage_code, preset_key=key if with_preset else None
    )
    for text in (kit_markdown(kit), markdown_text(kit_markdown(kit)), visible_text(kit_html(kit))):
        for pattern in PLACEHOLDERS:
            assert not pattern.search(text), pattern.search(text).group(0)


def test_prequalification_asks_one_question_per_criterion_and_intra_one_or_two():
    criteria = load_preset("developpeur", "rec")
    prequalification = build_kit(MISSION, criteria, "prequalification")
    intra = build_kit(MISSION, criteria, "intra")
    assert all(len(c.questions) == 1 for c in prequalification.criteria)
    assert all(1 <= len(c.questions) <= 2 for c in intra.criteria)
    bank = {c.label: c.questions for c in criteria}
    for kit_criterion in prequalification.criteria + intra.criteria:
        assert set(kit_criterion.questions) <= set(bank[kit_criterion.label])


def test_a_criterion_without_question_bank_gets_a_behavioural_question_from_its_statement():
    criterion = Criterion(
        id="c1",
        recruitment_id="rec",
        label="Données",
        statement="La personne est capable de structurer des bases de données et de les faire évoluer.",
        stages=("prequalification", "intra", "references"),
    )
    for stage_code in ("prequalification", "intra"):
        (question,) = build_kit(MISSION, [criterion], stage_code).criteria[0].questions
        assert question.startswith("Raconte-moi une situation où tu as dû structurer")
        assert "et les faire évoluer" in question
    (referee,) = build_kit(MISSION, [criterion], "references").criteria[0].questions
    assert "Avez-vous vu la personne structurer des bases de données" in referee


def test_prequalification_checklist_shows_the_missions_constraints():
    markdown = kit_markdown(
        build_kit(MISSION, load_preset("developpeur", "rec"), "prequalification")
    )
    for topic in (
        "Date de démarrage",
        "Jours par semaine",
        "Télétravail",
        "Prise de références",
        "Autres démarches en cours",
        "TJM attendu",
    ):
        assert f"☐ **{topic}**" in markdown
    assert "02/03/2026" in markdown
    assert "2,5 jours par semaine" in markdown
    assert "Deux jours par semaine sur place" in markdown
    assert "650" in markdown
    assert "Accord obligatoire" in markdown


def test_prequalification_without_constraints_still_has_the_checklist_but_no_invented_values():
    markdown = kit_markdown(build_kit(OPEN_MISSION, [], "prequalification"))
    assert "☐ **TJM attendu**" in markdown
    assert "TJM maximum" not in markdown
    assert "Démarrage prévu" not in markdown
    assert "Accord obligatoire" not in markdown


def test_work_sample_kit_gives_the_live_case_brief_with_its_four_timed_phases():
    kit = build_kit(
        MISSION, load_preset("developpeur", "rec"), "mise_en_situation", preset_key="developpeur"
    )
    work_sample = next(s for s in STAGES if s.code == "mise_en_situation")
    assert len(work_sample.phases) == 4
    for seen in (markdown_text(kit_markdown(kit)), visible_text(kit_html(kit))):
        assert "séniorité" in seen
        assert " ".join(get_preset("developpeur").live_case.context.split()) in seen


def test_work_sample_phases_are_shown_once_with_their_time_and_what_to_do():
    """The four timed phases used to appear twice (agenda and a « déroulé » section)."""
    kit = build_kit(
        MISSION, load_preset("developpeur", "rec"), "mise_en_situation", preset_key="developpeur"
    )
    work_sample = next(s for s in STAGES if s.code == "mise_en_situation")
    guidance = [line.guidance for line in kit.agenda]
    assert all(guidance) and len(set(guidance)) == 4
    for page in (markdown_html(kit_markdown(kit)), kit_html(kit)):
        rows = [
            [html_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.DOTALL)
        ]
        seen = html_text(page)
        assert seen.count("Déroulé") == 1
        for phase, what in zip(work_sample.phases, guidance, strict=True):
            duration = (
                f"{phase.minutes_min}–{phase.minutes_max} min"
                if phase.minutes_min != phase.minutes_max
                else f"{phase.minutes_max} min"
            )
            assert [duration, phase.label, what] in rows
            assert seen.count(phase.label) == 1, phase.label
            assert seen.count(what) == 1, what


def test_culture_kit_is_advisory_without_rating_boxes():
    kit = build_kit(MISSION, load_preset("product_manager", "rec"), "adequation")
    seen = markdown_text(kit_markdown(kit))
    assert not kit.scored
    assert kit.rating_scale == ()
    assert "Note :" not in seen and "☐" not in seen
    assert "Faits et signaux observés :" in seen
    assert "sans oui ni non" in seen
    for topic in ("valeurs de la communauté", "quotidien dans l'équipe", "cadre de collaboration"):
        assert topic in seen


def test_references_kit_states_the_referee_is_chosen_by_the_candidate_who_agreed():
    markdown = kit_markdown(build_kit(MISSION, load_preset("designer", "rec"), "references"))
    assert "choisie par la personne candidate" in markdown
    assert "accord" in markdown
    assert "Remerciez la personne de référence" in markdown


@pytest.mark.parametrize(
    "stage_code", ["prequalification", "intra", "mise_en_situation", "references"]
)
def test_scored_kits_show_the_anchored_scale_and_not_rated(stage_code):
    kit = build_kit(MISSION, load_preset("coach", "rec"), stage_code)
    for text in (kit_markdown(kit), visible_text(kit_html(kit))):
        for anchor in RATING_ANCHORS.values():
            assert anchor in text
        assert NOT_RATED in text
    if kit.criteria:
        boxes = "Note : ☐ 1 ☐ 2 ☐ 3 ☐ " + NOT_RATED
        for seen in (markdown_text(kit_markdown(kit)), visible_text(kit_html(kit))):
            assert seen.count(boxes) == len(kit.criteria)
            assert seen.count("Preuves observées :") == len(kit.criteria)


@pytest.mark.parametrize("stage_code", STAGE_CODES)
def test_every_kit_closes_with_the_reminders(stage_code):
    markdown = kit_markdown(build_kit(MISSION, [], stage_code))
    closing = markdown.split("## Pour conclure", 1)[1]
    assert "Remerciez" in closing
    assert "débrief à chaud" in closing
    assert "WTTJ" in closing
    if stage_code != "references":
        assert "la suite" in closing


def test_coach_intra_kit_offers_the_45_minute_agenda_of_the_guide():
    markdown = kit_markdown(
        build_kit(OPEN_MISSION, load_preset("coach", "rec"), "intra", preset_key="coach")
    )
    assert "Variante du guide Coach : 45 min en tout" in markdown
    assert "**15 min** — Entretien technique" in markdown


def test_a_stage_without_criteria_says_so():
    markdown = kit_markdown(build_kit(MISSION, [], "intra"))
    assert "Critères évalués à cette étape (0)" in markdown
    assert "Aucun critère" in markdown


def test_html_escapes_what_the_team_typed():
    hostile = Criterion(
        id="c1",
        recruitment_id="rec",
        label="<script>alert('x')</script>",
        statement="La personne est capable de <b>tout</b>.",
        stages=("intra",),
        questions=("Raconte-moi <img src=x onerror=alert(1)> ?",),
    )
    recruitment = Recruitment(id="rec", title="Dev & <Ops>")
    page = kit_html(build_kit(recruitment, [hostile], "intra"))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img" not in page and "<b>tout" not in page
    assert "Dev &amp; &lt;Ops&gt;" in page


def test_html_is_a_standalone_printable_page():
    page = kit_html(build_kit(MISSION, load_preset("coach", "rec"), "prequalification"))
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in page
    assert "@media print" in page
    assert "#000091" in page
    assert "<link" not in page and "<script" not in page and "http" not in page


@pytest.mark.parametrize("stage_code", STAGE_CODES)
@pytest.mark.parametrize("ext", ["md", "html"])
def test_filenames_are_ascii_and_name_the_recruitment_and_the_stage(stage_code, ext):
    name = kit_filename(MISSION, stage_code, ext)
    assert name.isascii()
    assert re.fullmatch(r"[a-z0-9.-]+", name)
    assert name.startswith("kit-developpeur-se-fullstack-")
    assert stage_code.replace("_", "-") in name
    assert name.endswith(f".{ext}")


def test_a_title_without_letters_still_gives_a_file_name():
    assert (
        kit_filename(Recruitment(id="r", title="🚀 ?!"), "intra", ".md")
        == "kit-recrutement-intra.md"
    )


def test_unknown_stage_or_bad_extension_is_refused():
    with pytest.raises(ValidationError):
        build_kit(MISSION, [], "entretien_final")
    with pytest.raises(ValidationError):
        kit_filename(MISSION, "entretien_final", "md")
    with pytest.raises(ValidationError):
        kit_filename(MISSION, "intra", "../md")
