"""Criteria and candidate lists from a spreadsheet CSV: Grist and Excel files are read as the
user sees them, and a bad file is refused with every problem, line by line, storing nothing."""

from __future__ import annotations

import pytest

from selection.domain.model import Criterion, Recruitment, ValidationError
from selection.services.imports import template_csv
from selection.storage.csv_import import (
    import_candidates_csv,
    import_candidates_into,
    import_criteria_csv,
    import_criteria_into,
)
from selection.storage.store import Store, new_id

CRITERIA_ROWS = [
    ["Intitulé", "Énoncé", "Catégorie", "Niveau", "Obligatoire", "Étapes"],
    [
        "Sécurité",
        "La personne est capable de sécuriser une application",
        "Technique",
        "🔴",
        "oui",
        "Préqualification, Intra",
    ],
    [
        "Qualité",
        "La personne est capable d'écrire des tests",
        "Technique",
        "2",
        "non",
        "intra|references",
    ],
    [
        "Équipe",
        "La personne est capable de travailler en équipe",
        "Savoir-être",
        "basse",
        "",
        "Mise en situation",
    ],
]


def csv_bytes(rows: list[list[str]], sep: str, bom: bool = False, encoding: str = "utf-8") -> bytes:
    def cell(value: str) -> str:
        if sep in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    text = "\r\n".join(sep.join(cell(v) for v in row) for row in rows) + "\r\n"
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)


@pytest.mark.parametrize("sep", [";", ","])
@pytest.mark.parametrize("bom", [False, True])
def test_criteria_are_read_with_either_separator_and_with_or_without_bom(
    sep: str, bom: bool
) -> None:
    result = import_criteria_csv(csv_bytes(CRITERIA_ROWS, sep, bom), "rec")
    assert result.separator == sep
    assert [(c.label, c.weight_level, c.weight, c.must_have, c.stages) for c in result.items] == [
        ("Sécurité", 3, 3.0, True, ("prequalification", "intra")),
        ("Qualité", 2, 2.0, False, ("intra", "references")),
        ("Équipe", 1, 1.0, False, ("mise_en_situation",)),
    ]
    assert result.items[0].statement == "La personne est capable de sécuriser une application"
    assert [c.position for c in result.items] == [0, 1, 2]


def test_headers_match_without_case_or_accents_and_unknown_columns_are_ignored() -> None:
    rows = [
        ["  INTITULE ", "enonce", "Date de naissance", "NIVEAU DE PONDÉRATION"],
        ["Sécurité", "La personne est capable de sécuriser", "01/01/1990", "🟠 moyenne"],
    ]
    result = import_criteria_csv(csv_bytes(rows, ";"), "rec")
    assert [(c.label, c.weight_level) for c in result.items] == [("Sécurité", 2)]
    assert result.ignored_columns == ("Date de naissance",)


@pytest.mark.parametrize("sep", [";", ","])
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("email_header", ["Email", "Adresse électronique", "courriel"])
def test_candidates_are_read_from_grist_or_excel(sep: str, bom: bool, email_header: str) -> None:
    rows = [
        ["Nom", email_header, "Origine"],
        ["Camille Durand", "camille@example.org", "Welcome to the Jungle"],
        ["Dominique, dit « Dom »", "", "Cooptation"],
    ]
    result = import_candidates_csv(csv_bytes(rows, sep, bom), "rec")
    assert [(c.name, c.email, c.source) for c in result.items] == [
        ("Camille Durand", "camille@example.org", "Welcome to the Jungle"),
        ("Dominique, dit « Dom »", "", "Cooptation"),
    ]


def test_latin1_file_is_refused_with_a_message_saying_to_save_as_utf8() -> None:
    rows = [[cell.replace("🔴", "3") for cell in row] for row in CRITERIA_ROWS]
    data = csv_bytes(rows, ";", encoding="latin-1")
    with pytest.raises(ValidationError) as err:
        import_criteria_csv(data, "rec")
    message = str(err.value)
    assert "n'est pas encodé en UTF-8" in message
    assert "CSV UTF-8" in message


def test_utf16_file_from_excel_is_refused_with_the_same_message() -> None:
    data = "Nom\tEmail\r\nCamille\tc@example.org\r\n".encode("utf-16")
    with pytest.raises(ValidationError, match="n'est pas encodé en UTF-8"):
        import_candidates_csv(data, "rec")


def test_a_bad_level_is_refused_with_its_line_number_and_every_problem_is_listed() -> None:
    rows = [
        *CRITERIA_ROWS,
        ["Accessibilité", "La personne est capable de…", "", "4", "oui", "Intra"],
        ["Sécurité", "Doublon", "", "1", "non", ""],
        ["Design", "", "", "2", "peut-être", "Intra"],
        ["Produit", "", "", "1", "non", "Entretien final"],
    ]
    with pytest.raises(ValidationError) as err:
        import_criteria_csv(csv_bytes(rows, ";"), "rec")
    message = str(err.value)
    assert "4 problèmes" in message
    assert "Ligne 5 (« Accessibilité ») : Niveau « 4 » inconnu" in message
    assert "Ligne 6 : le critère « Sécurité » figure déjà ligne 2." in message
    assert "Ligne 7 (« Design ») : « peut-être » dans la colonne « Obligatoire »" in message
    assert "Ligne 8 (« Produit ») : Étape « Entretien final » inconnue" in message


def test_line_numbers_count_lines_inside_quoted_cells() -> None:
    rows = [
        ["Intitulé", "Énoncé", "Niveau"],
        ["Sécurité", "Sur\ndeux lignes", "3"],
        ["Qualité", "", "7"],
    ]
    with pytest.raises(ValidationError, match="Ligne 4 "):
        import_criteria_csv(csv_bytes(rows, ","), "rec")


def test_missing_name_column_is_refused_with_the_columns_read() -> None:
    with pytest.raises(ValidationError) as err:
        import_candidates_csv(
            csv_bytes([["Prénom", "Email"], ["Camille", "c@example.org"]], ";"), "rec"
        )
    assert "colonne « Nom » introuvable" in str(err.value)
    assert "« Prénom »" in str(err.value)


def test_bad_email_and_duplicate_email_are_refused_by_line() -> None:
    rows = [
        ["Nom", "Email"],
        ["Camille", "camille@example.org"],
        ["Dominique", "pas une adresse"],
        ["Camille bis", "CAMILLE@example.org"],
        ["", "sans-nom@example.org"],
    ]
    with pytest.raises(ValidationError) as err:
        import_candidates_csv(csv_bytes(rows, ","), "rec")
    message = str(err.value)
    assert "Ligne 3 (« Dominique ») : Adresse électronique invalide" in message
    assert "Ligne 4 : l'adresse « CAMILLE@example.org » figure déjà ligne 2." in message
    assert "Ligne 5 : Le nom de la personne candidate est obligatoire." in message


@pytest.fixture
def recruitment(store: Store) -> str:
    return store.save_recruitment(Recruitment(id=new_id(), title="Développeur·se")).id


def test_nothing_is_stored_when_one_line_is_bad(store: Store, recruitment: str) -> None:
    before = store.count_rows()
    bad_criteria = csv_bytes([*CRITERIA_ROWS, ["Accessibilité", "", "", "🟣", "non", ""]], ";")
    bad_candidates = csv_bytes(
        [["Nom", "Email"], ["Camille", "c@example.org"], ["Dom", "dom@"]], ";"
    )
    bad_candidates = bad_candidates.replace(b"dom@", b"dom @x")
    with pytest.raises(ValidationError, match="Ligne 5"):
        import_criteria_into(store, recruitment, bad_criteria, actor="Alix")
    with pytest.raises(ValidationError, match="Ligne 3"):
        import_candidates_into(store, recruitment, bad_candidates, actor="Alix")
    latin1 = csv_bytes([["Nom", "Email"], ["Hélène", "h@example.org"]], ";", encoding="latin-1")
    with pytest.raises(ValidationError, match="UTF-8"):
        import_candidates_into(store, recruitment, latin1, actor="Alix")
    assert store.count_rows() == before


def test_a_good_file_is_stored_after_the_existing_criteria_and_logged(
    store: Store, recruitment: str
) -> None:
    store.save_criteria(
        recruitment,
        [Criterion(id=new_id(), recruitment_id=recruitment, label="Existant", position=4)],
    )
    import_criteria_into(store, recruitment, csv_bytes(CRITERIA_ROWS, ","), actor="Alix")
    stored = store.list_criteria(recruitment)
    assert [(c.label, c.position) for c in stored] == [
        ("Existant", 4),
        ("Sécurité", 5),
        ("Qualité", 6),
        ("Équipe", 7),
    ]
    with pytest.raises(ValidationError, match="existe déjà dans ce cadrage"):
        import_criteria_into(store, recruitment, csv_bytes(CRITERIA_ROWS, ","), actor="Alix")
    rows = [["Nom", "Email"], ["Camille", "camille@example.org"], ["Dom", ""]]
    import_candidates_into(store, recruitment, csv_bytes(rows, ";", bom=True), actor="Alix")
    assert [c.name for c in store.list_candidates(recruitment)] == ["Camille", "Dom"]
    assert [(a["action"], a["subject"]) for a in store.list_audit()[:2]] == [
        ("import_csv", "personnes candidates"),
        ("import_csv", "critères"),
    ]


@pytest.mark.parametrize("kind", ["criteria", "candidates"])
@pytest.mark.parametrize("dialect", ["excel_fr", "rfc4180"])
def test_the_downloadable_templates_import_as_they_are(kind: str, dialect: str) -> None:
    data = template_csv(kind, dialect)
    reader = import_criteria_csv if kind == "criteria" else import_candidates_csv
    result = reader(data, "rec")
    assert len(result.items) == 2
    assert result.ignored_columns == ()
