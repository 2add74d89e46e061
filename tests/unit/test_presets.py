"""Role presets: each loads the guide's criteria, and a broken presets file is refused cleanly."""

from __future__ import annotations

import contextlib
import copy
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selection.domain.model import ValidationError
from selection.domain.presets import (
    PRESETS_PATH,
    get_preset,
    list_presets,
    load_preset,
    load_presets,
    parse_presets,
    preset_agenda,
    preset_notes,
)
from selection.domain.stages import STAGE_CODES

SHIPPED = json.loads(PRESETS_PATH.read_text(encoding="utf-8"))
PRESET_KEYS = list(SHIPPED["presets"])


def stage_counts(key: str) -> Counter[str]:
    return Counter(code for c in load_preset(key, "rec") for code in c.stages)


def test_every_role_of_the_guides_is_offered_with_a_blank_brief_first():
    keys = [info.key for info in list_presets()]
    assert keys[0] == "vierge"
    assert set(keys) == {
        "vierge",
        "coach",
        "developpeur",
        "product_manager",
        "designer",
        "deploiement_junior",
        "deploiement_senior",
    }


def test_blank_preset_starts_empty():
    assert load_preset("vierge", "rec") == []


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_picker_count_matches_what_is_loaded(key):
    info = next(i for i in list_presets() if i.key == key)
    assert info.count == len(load_preset(key, "rec"))
    assert info.label.strip() and info.description.strip()


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_loaded_criteria_are_fresh_valid_and_editable(key):
    first = load_preset(key, "rec-1")
    second = load_preset(key, "rec-2")
    ids = [c.id for c in first] + [c.id for c in second]
    assert len(set(ids)) == len(ids)
    for position, criterion in enumerate(first):
        assert criterion.recruitment_id == "rec-1"
        assert criterion.position == position
        assert criterion.weight == float(criterion.weight_level)
        assert criterion.validated() == criterion
        assert re.match(r"La personne est capable d(e |')", criterion.statement)
        assert criterion.stages
        assert 1 <= len(criterion.questions) <= 3


def test_coach_has_the_nine_guide_criteria_and_its_45_minute_agenda():
    criteria = load_preset("coach", "rec")
    assert len(criteria) == 9
    assert [item.minutes for item in preset_agenda("coach")] == [5, 5, 10, 15, 10]
    assert get_preset("coach").agenda_minutes == 45
    assert all(count <= 4 for count in stage_counts("coach").values())


def test_developer_criteria_follow_the_guide_stage_by_stage():
    counts = stage_counts("developpeur")
    assert counts["prequalification"] == 4
    assert counts["intra"] == 4
    assert counts["mise_en_situation"] == 3
    assert counts["adequation"] == 2
    assert counts["references"] >= 1
    by_label = {c.label: c for c in load_preset("developpeur", "rec")}
    fullstack = by_label["Développement fullstack en production"]
    assert fullstack.stages == ("intra", "mise_en_situation")
    assert fullstack.must_have


def test_developer_preset_keeps_the_90_minute_interview_on_the_candidates_code():
    assert get_preset("developpeur").agenda_minutes == 90
    notes = " ".join(preset_notes("developpeur", "intra"))
    assert "1 h 30" in notes and "code" in notes


def test_product_manager_has_criteria_per_stage_and_the_three_question_themes():
    counts = stage_counts("product_manager")
    assert {code: counts[code] for code in STAGE_CODES} == {
        "prequalification": 2,
        "intra": 3,
        "mise_en_situation": 2,
        "adequation": 2,
        "references": 2,
    }
    themes = [theme.label for theme in get_preset("product_manager").themes]
    assert themes == [
        "Environnement actuel",
        "Analyse d'un produit",
        "Création d'un nouveau produit",
    ]


def test_designer_core_skills_weigh_most_and_specialities_less():
    by_label = {c.label: c for c in load_preset("designer", "rec")}
    for core in ("Conception de parcours", "Ergonomie", "Recherche utilisateur"):
        assert by_label[core].weight_level == 3
    for speciality in ("Conception visuelle", "Animation d'ateliers", "Contenu", "Accessibilité"):
        assert by_label[speciality].weight_level < 3


@pytest.mark.parametrize(
    ("key", "groups"),
    [
        (
            "deploiement_junior",
            {
                "Outils et connaissances",
                "Partenariats et relations utilisateurs",
                "Développement produit",
                "Posture",
                "Expérience",
            },
        ),
        (
            "deploiement_senior",
            {
                "Capacités humaines et vie d'équipe",
                "Partenariats et relations utilisateurs",
                "Développement produit",
                "Outils et connaissances",
                "Posture",
            },
        ),
    ],
)
def test_deployment_presets_cover_their_competency_groups(key, groups):
    assert {c.category for c in load_preset(key, "rec")} == groups


def test_unknown_preset_or_missing_recruitment_is_refused():
    with pytest.raises(ValidationError, match="Profil inconnu"):
        load_preset("astronaute", "rec")
    with pytest.raises(ValidationError, match="recrutement"):
        load_preset("coach", "  ")


def _document_with(**criterion_changes) -> str:
    document = copy.deepcopy(SHIPPED)
    criterion = document["presets"]["coach"]["criteria"][0]
    for field, value in criterion_changes.items():
        if value is _DROP:
            del criterion[field]
        else:
            criterion[field] = value
    return json.dumps(document)


_DROP = object()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"stages": ["prequalification", "entretien_final"]}, "entretien_final"),
        ({"weight_level": 4}, "1, 2 ou 3"),
        ({"weight_level": 0}, "1, 2 ou 3"),
        ({"weight_level": "3"}, "1, 2 ou 3"),
        ({"weight_level": 2.5}, "1, 2 ou 3"),
        ({"weight_level": True}, "1, 2 ou 3"),
        ({"statement": "   "}, "énoncé"),
        ({"label": ""}, "intitulé"),
        ({"stages": []}, "aucune étape"),
        ({"must_have": "oui"}, "must_have"),
        ({"questions": ["a", "b", "c", "d"]}, "3 questions"),
        ({"questions": "Une seule question"}, "questions"),
        ({"category": _DROP}, "manquant"),
        ({"poids": 3}, "inconnu"),
    ],
)
def test_an_invalid_criterion_names_the_preset_and_the_problem(changes, expected):
    with pytest.raises(ValidationError) as error:
        parse_presets(_document_with(**changes))
    message = str(error.value)
    assert "coach" in message
    assert expected in message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{ pas du json",
        "[]",
        '{"version": 2, "presets": {}}',
        '{"version": 1, "presets": {}}',
        '{"version": 1, "presets": {"Coach Senior": {"label": "x", "description": "y", "criteria": []}}}',
        '{"version": 1, "presets": {"x": {"label": "x", "description": "y"}}}',
        '{"version": 1, "presets": {"x": {"label": "x", "description": "y", "criteria": [],'
        ' "agenda": [{"label": "a", "minutes": 0}]}}}',
        '{"version": 1, "presets": {"x": {"label": "x", "description": "y", "criteria": [],'
        ' "notes": [{"stage": "plus_tard", "text": "t"}]}}}',
    ],
)
def test_a_file_that_does_not_parse_gives_a_french_message(text):
    with pytest.raises(ValidationError) as error:
        parse_presets(text)
    assert str(error.value).strip()


def test_a_criterion_listed_twice_is_refused():
    document = copy.deepcopy(SHIPPED)
    criteria = document["presets"]["coach"]["criteria"]
    criteria.append(copy.deepcopy(criteria[0]))
    with pytest.raises(ValidationError, match="deux fois"):
        parse_presets(json.dumps(document))


def test_a_broken_file_on_disk_is_refused_and_a_fixed_one_is_read_again(tmp_path: Path):
    path = tmp_path / "presets.json"
    path.write_text('{"version": 1, "presets": ', encoding="utf-8")
    with pytest.raises(ValidationError):
        load_presets(path)
    path.write_text(json.dumps(SHIPPED), encoding="utf-8")
    assert set(load_presets(path)) == set(PRESET_KEYS)
    with pytest.raises(ValidationError, match="introuvable"):
        load_presets(tmp_path / "absent.json")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(
    field=st.sampled_from(
        ["label", "statement", "category", "weight_level", "must_have", "stages", "questions"]
    ),
    value=JSON_VALUES,
)
def test_any_value_in_a_criterion_field_parses_or_gives_a_validation_error(field, value):
    try:
        presets = parse_presets(_document_with(**{field: value}))
    except ValidationError as error:
        assert str(error)
    else:
        assert len(presets["coach"].criteria) == 9


@settings(max_examples=100, deadline=None)
@given(document=JSON_VALUES)
def test_any_json_document_parses_or_gives_a_validation_error(document):
    with contextlib.suppress(ValidationError):
        parse_presets(json.dumps(document))
