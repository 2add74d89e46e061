"""Brief warnings: each fires on a brief built to trigger it and stays quiet on a good brief."""

from __future__ import annotations

import pytest

from selection.analysis.brief_checks import (
    HINT,
    JOB_SKILL_AT_CULTURE,
    LATE_KEY_CHECK,
    MAX_CRITERIA_PER_STAGE,
    NO_STAGE,
    PHRASING,
    TOO_MANY_AT_STAGE,
    WARNING,
    check_brief,
    is_culture_category,
)
from selection.domain.model import Criterion
from selection.domain.presets import list_presets, load_preset


def crit(
    label: str,
    stages: tuple[str, ...] = ("intra",),
    *,
    weight_level: int = 2,
    must_have: bool = False,
    category: str = "Compétences métier",
    statement: str | None = None,
    position: int = 0,
) -> Criterion:
    return Criterion(
        id=label,
        recruitment_id="rec",
        label=label,
        statement=statement if statement is not None else f"La personne est capable de {label}.",
        category=category,
        weight_level=weight_level,
        weight=float(weight_level),
        must_have=must_have,
        stages=stages,
        position=position,
    )


def codes(criteria: list[Criterion]) -> list[str]:
    return [w.code for w in check_brief(criteria)]


@pytest.mark.parametrize("key", [info.key for info in list_presets()])
def test_every_preset_is_a_good_brief(key):
    from selection.analysis.brief_checks import NO_EVIDENCE_BEFORE_REFERENCES

    criteria = load_preset(key, "rec")
    warnings = check_brief(criteria)
    # The guide's role briefs keep their collaboration criteria for the advisory culture meeting
    # (and the calls): they are told, rightly, that those get no score before the calls.
    assert [w.code for w in warnings] in ([], [NO_EVIDENCE_BEFORE_REFERENCES])
    by_label = {c.label: c for c in criteria}
    for w in warnings:
        for label in w.criterion_labels:
            assert is_culture_category(by_label[label].category)
            assert set(by_label[label].stages) <= {"adequation", "references"}


def test_more_than_four_criteria_at_one_stage_is_flagged_for_that_stage():
    brief = [crit(f"critère {n}", ("intra", "references"), position=n) for n in range(5)]
    warnings = check_brief(brief)
    flagged = [w for w in warnings if w.code == TOO_MANY_AT_STAGE]
    assert {w.stage for w in flagged} == {"intra", "references"}
    intra = next(w for w in flagged if w.stage == "intra")
    assert intra.criterion_labels == tuple(f"critère {n}" for n in range(5))
    assert "Entretien intra" in intra.message_fr and "5 critères" in intra.message_fr
    assert intra.severity == WARNING


def test_exactly_four_criteria_at_a_stage_is_fine():
    brief = [crit(f"critère {n}", position=n) for n in range(MAX_CRITERIA_PER_STAGE)]
    assert TOO_MANY_AT_STAGE not in codes(brief)


@pytest.mark.parametrize(
    ("criterion", "first_stage"),
    [
        (crit("coder", ("mise_en_situation",), must_have=True), "mise_en_situation"),
        (crit("coder", ("references",), weight_level=3), "references"),
        (
            crit("coder", ("adequation", "references"), weight_level=3, category="Posture"),
            "adequation",
        ),
    ],
)
def test_a_key_criterion_first_probed_after_the_intra_interview_is_flagged(criterion, first_stage):
    warnings = [w for w in check_brief([criterion]) if w.code == LATE_KEY_CHECK]
    assert len(warnings) == 1
    assert warnings[0].stage == first_stage
    assert warnings[0].criterion_labels == ("coder",)
    assert "le plus tôt possible" in warnings[0].message_fr


@pytest.mark.parametrize(
    "criterion",
    [
        crit("coder", ("intra", "references"), must_have=True, weight_level=3),
        crit("coder", ("prequalification", "mise_en_situation"), weight_level=3),
        crit("coder", ("references",), weight_level=2),
    ],
)
def test_key_criteria_checked_early_and_minor_ones_checked_late_are_fine(criterion):
    assert LATE_KEY_CHECK not in codes([criterion])


def test_a_criterion_probed_at_no_stage_is_flagged():
    brief = [crit("coder", ()), crit("tester", ("intra",), position=1)]
    warnings = [w for w in check_brief(brief) if w.code == NO_STAGE]
    assert len(warnings) == 1
    assert warnings[0].criterion_labels == ("coder",)
    assert "« coder »" in warnings[0].message_fr


def test_a_must_have_at_no_stage_is_flagged_once_as_missing_not_as_late():
    assert codes([crit("coder", (), must_have=True)]) == [NO_STAGE]


def test_job_skills_at_the_culture_stage_are_flagged():
    brief = [
        crit("coder", ("intra", "adequation"), category="Compétences métier"),
        crit("sans catégorie", ("adequation",), category="", position=1),
        crit("collaborer", ("adequation",), category="Collaboration", position=2),
    ]
    warnings = [w for w in check_brief(brief) if w.code == JOB_SKILL_AT_CULTURE]
    assert len(warnings) == 1
    assert warnings[0].criterion_labels == ("coder", "sans catégorie")
    assert warnings[0].stage == "adequation"


@pytest.mark.parametrize(
    "category",
    [
        "Collaboration",
        "POSTURE",
        "valeurs et motivation",
        "Savoir-être",
        "Capacités humaines et vie d'équipe",
    ],
)
def test_collaboration_posture_and_values_categories_belong_to_the_culture_stage(category):
    assert is_culture_category(category)
    assert JOB_SKILL_AT_CULTURE not in codes([crit("échanger", ("adequation",), category=category)])


@pytest.mark.parametrize(
    "category", ["Compétences métier", "Spécialité", "Outils et connaissances", ""]
)
def test_job_categories_are_not_culture_categories(category):
    assert not is_culture_category(category)


@pytest.mark.parametrize(
    "statement",
    ["Sait coder en Python.", "Maîtrise de Django", "", "Personne autonome"],
)
def test_a_statement_not_phrased_from_the_person_gets_a_gentle_hint(statement):
    warnings = check_brief([crit("coder", statement=statement)])
    assert [w.code for w in warnings] == [PHRASING]
    assert warnings[0].severity == HINT
    assert "La personne est capable de" in warnings[0].message_fr
    assert warnings[0].criterion_labels == ("coder",)


@pytest.mark.parametrize(
    "statement",
    [
        "La personne est capable de coder en Python.",
        "la personne est capable d'écrire des tests",
        "La personne maîtrise les principes de sécurité applicative.",
        "  La personne fait preuve d'autonomie.",
    ],
)
def test_statements_about_the_person_get_no_hint(statement):
    assert check_brief([crit("coder", statement=statement)]) == []


def test_an_empty_brief_has_nothing_to_say():
    assert check_brief([]) == []


def test_a_criterion_probed_only_at_adequation_and_references_has_no_evidence_before_the_calls():
    from selection.analysis.brief_checks import NO_EVIDENCE_BEFORE_REFERENCES

    brief = [
        crit("Posture", ("adequation", "references"), category="Posture", position=0),
        crit("Références seules", ("references",), position=1),
        crit("Code", ("intra", "references"), position=2),
        crit("Sans étape", (), position=3),
    ]
    found = [w for w in check_brief(brief) if w.code == NO_EVIDENCE_BEFORE_REFERENCES]
    assert len(found) == 1
    assert found[0].criterion_labels == ("Posture", "Références seules")
    assert "aucune preuve avant les appels" in found[0].message_fr
    assert found[0].severity == WARNING
