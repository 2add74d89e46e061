"""Criteria and candidate lists from a spreadsheet CSV: Grist and Excel files are read as the
user sees them, and a bad file is refused with every problem, line by line, storing nothing.
Reading is bounded (rows, bytes) and what a spreadsheet never writes is refused by line."""

from __future__ import annotations

import pytest

from selection.domain import limits
from selection.domain.model import Criterion, Recruitment, ValidationError
from selection.domain.permissions import Action
from selection.services import data as data_service
from selection.services.access import Config
from selection.services.app import App
from selection.services.common import begin
from selection.services.imports import template_csv
from selection.storage import csv_import
from selection.storage.csv_import import (
    LIMITS_SENTENCE,
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    import_candidates_csv,
    import_criteria_csv,
)
from selection.storage.store import Store, new_id
from tests.integration.inputs import english_words, full_dump

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


@pytest.fixture
def app(store: Store) -> App:
    return App(store, Config())


def import_csv(app: App, recruitment: str, kind: str, data: bytes):
    return data_service.import_csv(app, app.actor("Alix"), recruitment, kind, data)


def test_nothing_is_stored_when_one_line_is_bad(app: App, recruitment: str) -> None:
    before = full_dump(app.store)
    bad_criteria = csv_bytes([*CRITERIA_ROWS, ["Accessibilité", "", "", "🟣", "non", ""]], ";")
    bad_candidates = csv_bytes(
        [["Nom", "Email"], ["Camille", "c@example.org"], ["Dom", "dom@"]], ";"
    )
    bad_candidates = bad_candidates.replace(b"dom@", b"dom @x")
    with pytest.raises(ValidationError, match="Ligne 5"):
        import_csv(app, recruitment, "criteria", bad_criteria)
    with pytest.raises(ValidationError, match="Ligne 3"):
        import_csv(app, recruitment, "candidates", bad_candidates)
    latin1 = csv_bytes([["Nom", "Email"], ["Hélène", "h@example.org"]], ";", encoding="latin-1")
    with pytest.raises(ValidationError, match="UTF-8"):
        import_csv(app, recruitment, "candidates", latin1)
    assert full_dump(app.store) == before


def test_a_good_file_is_stored_after_the_existing_criteria_and_logged(
    app: App, recruitment: str
) -> None:
    store = app.store
    store.save_criteria(
        recruitment,
        [Criterion(id=new_id(), recruitment_id=recruitment, label="Existant", position=4)],
    )
    import_csv(app, recruitment, "criteria", csv_bytes(CRITERIA_ROWS, ","))
    stored = store.list_criteria(recruitment)
    assert [(c.label, c.position) for c in stored] == [
        ("Existant", 4),
        ("Sécurité", 5),
        ("Qualité", 6),
        ("Équipe", 7),
    ]
    with pytest.raises(ValidationError, match="existe déjà dans ce cadrage"):
        import_csv(app, recruitment, "criteria", csv_bytes(CRITERIA_ROWS, ","))
    rows = [["Nom", "Email"], ["Camille", "camille@example.org"], ["Dom", ""]]
    import_csv(app, recruitment, "candidates", csv_bytes(rows, ";", bom=True))
    assert [c.name for c in store.list_candidates(recruitment)] == ["Camille", "Dom"]
    assert [(a["action"], a["subject"], a["actor"]) for a in store.list_audit()[:2]] == [
        ("import_csv", "personnes candidates", "Alix"),
        ("import_csv", "critères", "Alix"),
    ]


def test_a_label_added_while_the_file_was_checked_is_refused_under_the_lock(
    app: App, recruitment: str
) -> None:
    store = app.store
    actor = app.actor("Alix")
    result = import_criteria_csv(csv_bytes(CRITERIA_ROWS, ";"), recruitment)
    # Someone adds « Qualité » between the check of the file and its writing.
    store.save_criteria(
        recruitment,
        [Criterion(id=new_id(), recruitment_id=recruitment, label="qualité", position=0)],
    )
    before = full_dump(store)
    with pytest.raises(ValidationError) as err:
        csv_import.write_import(
            store,
            recruitment,
            result,
            kind="criteria",
            lock=lambda tx: begin(tx, app, actor, Action.EDIT_BRIEF, recruitment),
            audit=lambda tx, details: None,
            by="Alix",
        )
    message = str(err.value)
    assert "le critère « Qualité » existe déjà dans ce cadrage" in message
    assert message.endswith("Rien n'a été modifié.")
    assert full_dump(store) == before


def test_the_lock_given_by_the_service_runs_first_and_can_refuse(
    store: Store, recruitment: str
) -> None:
    app = App(store, Config(login=True))
    outsider = app.actor("Zoé", "zoe@beta.gouv.fr")
    before = full_dump(store)
    with pytest.raises(ValidationError, match="Action refusée"):
        data_service.import_csv(app, outsider, recruitment, "candidates", b"Nom\nCamille\n")
    assert full_dump(store) == before


def test_a_250_character_name_is_refused_with_the_field_and_the_limit(
    app: App, recruitment: str
) -> None:
    before = full_dump(app.store)
    with pytest.raises(ValidationError) as err:
        import_csv(app, recruitment, "candidates", csv_bytes([["Nom"], ["N" * 250]], ";"))
    assert "Le champ « Nom » est trop long : 250 caractères pour 200 au plus." in str(err.value)
    assert full_dump(app.store) == before


# ----------------------------------------------------------------------------- bounds


def refusal(data: bytes, kind: str = "candidates") -> str:
    reader = import_candidates_csv if kind == "candidates" else import_criteria_csv
    with pytest.raises(ValidationError) as err:
        reader(data, "rec")
    message = str(err.value)
    assert message.endswith("Rien n'a été modifié."), message
    assert not english_words(message), message
    return message


def test_the_limits_sentence_names_both_bounds() -> None:
    assert LIMITS_SENTENCE == "2\u202f000 lignes (sous l'en-tête) et 1 Mo au plus."
    assert (MAX_CSV_ROWS, MAX_CSV_BYTES) == (2_000, 1024 * 1024)
    assert limits.CSV_LIMITS_SENTENCE == LIMITS_SENTENCE


def test_2000_lines_pass_and_one_more_is_refused_where_the_reading_stopped() -> None:
    rows = [["Nom"]] + [[f"Personne {n}"] for n in range(MAX_CSV_ROWS)]
    assert len(import_candidates_csv(csv_bytes(rows, ";"), "rec").items) == MAX_CSV_ROWS
    message = refusal(csv_bytes([*rows, ["Une de trop"], ["Encore une"]], ";"))
    assert "plus de 2\u202f000 lignes sous l'en-tête" in message
    assert "la lecture s'est arrêtée ligne 2\u202f002" in message


def test_a_million_lines_are_refused_on_their_size_before_any_reading() -> None:
    data = b"Nom\n" + b"Camille\n" * 1_000_000
    message = refusal(data)
    assert "Le fichier est trop gros (7,6 Mo)" in message
    assert LIMITS_SENTENCE in message


def test_a_million_empty_lines_under_the_size_limit_are_refused_early() -> None:
    data = b"Nom\n" + b"\n" * 1_000_000
    assert len(data) <= MAX_CSV_BYTES
    assert "vides comprises" in refusal(data)


def test_an_unclosed_quote_is_refused_with_the_line_where_it_opens() -> None:
    data = b'Nom;Email\nCamille;c@x.fr\n"Dominique;d@x.fr\nEve;e@x.fr\nFred;f@x.fr\n'
    message = refusal(data)
    assert message.startswith("Ligne 3 : un guillemet")
    assert "jamais refermée" in message


def test_text_after_a_closing_quote_is_refused_with_its_line() -> None:
    message = refusal(b'Nom;Email\nCamille;c@x.fr\n"Dom" Durand;d@x.fr\n')
    assert message.startswith("Ligne 3 : du texte suit le guillemet")


@pytest.mark.parametrize(
    "data, line",
    [
        (b"Nom;Email\rCamille;c@x.fr\r", 1),  # old Mac line ends
        (b"Nom;Email\r\nCamille;c@x.fr\r\nDom\rinique;d@x.fr\r\n", 3),
    ],
)
def test_a_lone_carriage_return_is_refused_with_its_line(data: bytes, line: int) -> None:
    message = refusal(data)
    assert message.startswith(f"Ligne {line} : retour chariot isolé")


def test_a_huge_cell_gives_a_french_message_naming_the_field() -> None:
    message = refusal(b"Nom;Email\n" + b"A" * 200_000 + b";a@b.fr\n")
    assert "Le champ « Nom » est trop long : 200\u202f000 caractères pour 200 au plus." in message
    assert len(message) < 1_000  # the cell is not echoed whole


def test_quoted_cells_keep_separators_line_breaks_and_doubled_quotes() -> None:
    data = (
        'Intitulé;Énoncé;Niveau\r\n"Sécurité; réseau";"Sur\r\ndeux ""lignes""";3\r\n'
        'Qualité;La personne est capable d\'écrire des "tests";2\r\n'
    ).encode()
    result = import_criteria_csv(data, "rec")
    assert [(c.label, c.statement) for c in result.items] == [
        ("Sécurité; réseau", 'Sur\ndeux "lignes"'),
        ("Qualité", 'La personne est capable d\'écrire des "tests"'),
    ]


@pytest.mark.parametrize("kind", ["criteria", "candidates"])
@pytest.mark.parametrize("dialect", ["excel_fr", "rfc4180"])
def test_the_downloadable_templates_import_as_they_are(kind: str, dialect: str) -> None:
    data = template_csv(kind, dialect)
    reader = import_criteria_csv if kind == "criteria" else import_candidates_csv
    result = reader(data, "rec")
    assert len(result.items) == 2
    assert result.ignored_columns == ()


def test_the_import_says_what_it_added_and_names_namesakes(tmp_path) -> None:
    """After an import, the message says it is done; a name the recruitment already has (the
    same file imported twice, or real namesakes) is named, never merged nor refused."""
    from selection.services.demo import load_demo

    store = Store.open(f"sqlite:///{tmp_path / 'app.db'}")
    rid = load_demo(store)
    app = App(store, Config())
    once = b"Nom;Adresse \xc3\xa9lectronique\nK\xc3\xa9vin Sansmail;\n"
    first = data_service.import_csv(app, app.actor("Camille Martin"), rid, "candidates", once)
    assert first.sentence("candidatures") == "Import terminé : 1 candidature ajoutée."
    again = data_service.import_csv(app, app.actor("Camille Martin"), rid, "candidates", once)
    assert again.namesakes == ("Kévin Sansmail",)
    assert "Même nom qu'une personne déjà présente : « Kévin Sansmail »" in again.sentence(
        "candidatures"
    )
    assert [c.name for c in store.list_candidates(rid)].count("Kévin Sansmail") == 2
