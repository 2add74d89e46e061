"""Spreadsheet exports: the comparison table and the CSV files kept with the procurement record.

Every CSV leaves the app through ``to_csv`` so that formula injection is neutralised in one place
(OWASP « CSV Injection »): a text cell a spreadsheet could read as a formula is made inert.
Numbers are never altered, and a missing rating stays an empty cell, never a zero. Two dialects:
« Excel (FR) » (``;``, decimal comma, UTF-8 with BOM) and RFC 4180 (``,``, decimal point, UTF-8).

The comparison export (``comparison_frame``) is one row per candidate, in the order of the chosen
ranking view, so it sorts and filters cleanly in a spreadsheet. Its columns, left to right:

- « Rang » — place in the chosen view (empty: no rating yet, or, in the guide's view, a failed
  must-have), « Candidat·e », « Signaux » — the warnings shown beside the name on screen, joined
  by « ; » (must-have, blocking logistics, culture-fit alerts; empty: none; « non vérifiés »
  when the caller gave neither ``signals`` nor ``snapshot``);
- the three views with their worst and best cases: « Score (moyenne pondérée, %) », « Score au
  pire (%) », « Score au mieux (%) », « Couverture des preuves (%) », « Matrice de pondération
  (Σ poids × note) », « Matrice au pire », « Matrice au mieux », « Points validés », « Points
  validés au mieux », « Points possibles », then « Critères obligatoires », « Notes soumises »;
- where the person is: « Étape atteinte », « Statut », « Dernière décision », « Date de la
  dernière décision »;
- one column per criterion, the mean rating 1–3 (empty: not rated), whose header carries the
  weight used for this export: « Critère (note moyenne 1–3, pondération 1,5) »;
- « Pondérations » — « cadrage enregistré » when those weights are the saved brief's,
  « simulation non enregistrée » for what-if weights of the decision meeting (« non précisé »
  when the caller cannot tell); « Vue du classement » — the view the rows and « Rang » follow;
  « Date de l'export »;
- then the caller's ``extra`` columns (e.g. « Probabilité d'être en tête (%) »).

The last three descriptive columns repeat the same value on every row: the file stays one row
per candidate and still says, once opened alone, which weights and view produced it, and when.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from selection.analysis.scoring import VIEW_COLUMNS, Comparison
from selection.analysis.signals import candidate_signals
from selection.domain.formatting import FORMULA_PREFIXES, export_filename
from selection.domain.labels import CANDIDATE_STATUS, DECISIONS, MUST_HAVE_STATUS, SCORE_VIEWS
from selection.domain.model import RecruitmentSnapshot, ValidationError
from selection.domain.stages import STAGE_BY_CODE

WEIGHTS_SAVED = "cadrage enregistré"
WEIGHTS_SIMULATED = "simulation non enregistrée"
WEIGHTS_UNKNOWN = "non précisé"
SIGNALS_UNKNOWN = "non vérifiés"
# Two weights closer than this are the same weight (sliders move by 0.1).
_WEIGHT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class CsvDialect:
    code: str
    label: str
    separator: str
    decimal: str
    encoding: str
    file_tag: str
    extension: str = "csv"
    mime: str = "text/csv"
    help: str = ""


CSV_DIALECTS: dict[str, CsvDialect] = {
    "excel_fr": CsvDialect(
        code="excel_fr",
        label="Excel (FR)",
        separator=";",
        decimal=",",
        encoding="utf-8-sig",
        file_tag="excel-fr",
        help="Point-virgule et virgule décimale : s'ouvre directement dans un tableur en français.",
    ),
    "rfc4180": CsvDialect(
        code="rfc4180",
        label="Standard (RFC 4180)",
        separator=",",
        decimal=".",
        encoding="utf-8",
        file_tag="standard",
        help="Virgule et point décimal, UTF-8 : pour Grist, un script ou un autre outil.",
    ),
}


def neutralise(value: object) -> object:
    """Make a text cell inert for spreadsheets; leave every other value (numbers too) unchanged.

    A leading apostrophe is what OWASP recommends: the spreadsheet then shows the text as typed
    instead of running it as a formula. A negative number is a number, not text, so it is kept.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column headers are all neutralised."""
    safe = df.copy()
    for column in safe.columns:
        if not (
            pd.api.types.is_numeric_dtype(safe[column])
            or pd.api.types.is_datetime64_any_dtype(safe[column])
        ):
            safe[column] = safe[column].map(neutralise, na_action="ignore")
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    return safe


def csv_dialect(code: str) -> CsvDialect:
    try:
        return CSV_DIALECTS[code]
    except KeyError:
        known = ", ".join(f"« {d.label} »" for d in CSV_DIALECTS.values())
        raise ValidationError(
            f"Format CSV inconnu : « {code} ». Formats proposés : {known}."
        ) from None


def to_csv(df: pd.DataFrame, dialect: str) -> bytes:
    """Encode a table as CSV bytes in one of ``CSV_DIALECTS``, injection-safe, CRLF line ends.

    Both dialects quote a field only when it holds the separator, a quote or a line break
    (RFC 4180 §2.6–2.7); Excel reads the same rules.
    """
    spec = csv_dialect(dialect)
    text = neutralise_frame(df).to_csv(
        index=False,
        sep=spec.separator,
        decimal=spec.decimal,
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
        quotechar='"',
        doublequote=True,
    )
    return text.encode(spec.encoding)


def _percent(values: pd.Series) -> pd.Series:
    return (values.astype(float) * 100).round(1)


def _texts(values: Iterable[str | None]) -> pd.Series:
    """Text cells where a missing value stays None (pandas 3 would turn it into NaN)."""
    return pd.Series(list(values), dtype=object)


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return None if pd.isna(value) else value.date()
    return value if isinstance(value, date) else None


def _means_by_candidate(comparison: Comparison, status_table: pd.DataFrame) -> pd.DataFrame:
    """Comparison.means re-indexed by candidate id.

    ``means`` is indexed by name in the snapshot's candidate order, which ``candidate_status``
    shares; that order is used so two people with the same name keep their own ratings.
    Falls back to the name when the orders cannot be matched.
    """
    means = comparison.means
    wanted = set(comparison.table["candidate_id"])
    ids: list[str] = []
    names: list[str] = []
    if {"candidate_id", "candidat"} <= set(status_table.columns):
        for cid, name in zip(status_table["candidate_id"], status_table["candidat"], strict=True):
            if cid in wanted:
                ids.append(cid)
                names.append(name)
    if len(ids) == len(means) and names == list(means.index):
        return means.set_axis(ids, axis=0)
    if means.index.is_unique:
        by_name = dict(
            zip(comparison.table["candidat"], comparison.table["candidate_id"], strict=True)
        )
        return means.rename(index=by_name)
    raise ValidationError(
        "Plusieurs candidatures portent le même nom : renommez-les (par exemple avec une initiale) "
        "pour exporter la comparaison."
    )


def _weight_text(weight: float) -> str:
    return f"{round(float(weight), 2):g}".replace(".", ",").replace("-", "−")


def criterion_column(label: str, weight: float | None = None) -> str:
    """Header of a per-criterion column in the comparison export, with the weight used."""
    if weight is None or pd.isna(weight):
        return f"{label} (note moyenne 1–3)"
    return f"{label} (note moyenne 1–3, pondération {_weight_text(weight)})"


def _weights_are_saved(snapshot: RecruitmentSnapshot, comparison: Comparison) -> bool:
    saved = {c.label: float(c.weight) for c in snapshot.criteria}
    return all(
        label in saved and abs(float(used) - saved[label]) <= _WEIGHT_TOLERANCE
        for label, used in comparison.weights.items()
    )


def _signal_text(value: Sequence[str] | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split())
    return " ; ".join(" ".join(str(v).split()) for v in value if str(v).strip())


def comparison_frame(
    comparison: Comparison,
    status_table: pd.DataFrame,
    extra: Mapping[str, Mapping[str, object]] | pd.DataFrame | None = None,
    *,
    score_view: str = "moyenne",
    weights_saved: bool | None = None,
    signals: Mapping[str, Sequence[str] | str] | None = None,
    exported_on: date | datetime | None = None,
    snapshot: RecruitmentSnapshot | None = None,
) -> pd.DataFrame:
    """The comparison export: one row per candidate, in the order of ``score_view`` (« moyenne »,
    « matrice » or « valides »), French headers; the columns are listed in the module doc.

    ``status_table`` is ``selection.analysis.progress.candidate_status`` for the same snapshot.
    ``weights_saved`` says whether ``comparison`` was computed with the saved brief's weights
    (True) or with what-if weights (False); ``signals`` maps a candidate id to the badges shown
    beside the name; ``exported_on`` defaults to today. Given the ``snapshot``, the weights'
    origin and the signals are worked out from it when not passed. ``extra`` adds columns at
    the end, as {header: {candidate_id: value}} or a frame indexed by candidate id (e.g. the
    probability of ranking first); its values are written as given.
    """
    if score_view not in VIEW_COLUMNS:
        known = ", ".join(f"« {label} »" for label in SCORE_VIEWS.values())
        raise ValidationError(f"Vue du classement inconnue : « {score_view} ». Vues : {known}.")
    if weights_saved is None and snapshot is not None:
        weights_saved = _weights_are_saved(snapshot, comparison)
    if signals is None and snapshot is not None:
        signals = candidate_signals(snapshot, comparison)
    exported = exported_on or date.today()
    exported = exported.date() if isinstance(exported, datetime) else exported

    table = comparison.ranked(score_view).reset_index(drop=True)
    ids = list(table["candidate_id"])
    status = status_table.drop_duplicates("candidate_id").set_index("candidate_id").reindex(ids)
    out = pd.DataFrame(
        {
            "Rang": table["rang"].astype("Int64"),
            "Candidat·e": table["candidat"],
            "Signaux": _texts(
                SIGNALS_UNKNOWN if signals is None else _signal_text(signals.get(cid))
                for cid in ids
            ),
            "Score (moyenne pondérée, %)": _percent(table["score"]),
            "Score au pire (%)": _percent(table["score_min"]),
            "Score au mieux (%)": _percent(table["score_max"]),
            "Couverture des preuves (%)": _percent(table["couverture"]),
            "Matrice de pondération (Σ poids × note)": table["matrice"].astype(float).round(2),
            "Matrice au pire": table["matrice_min"].astype(float).round(2),
            "Matrice au mieux": table["matrice_max"].astype(float).round(2),
            "Points validés": table["points_valides"].round().astype("Int64"),
            "Points validés au mieux": table["points_valides_max"].round().astype("Int64"),
            "Points possibles": table["points_total"].round().astype("Int64"),
            # Without any rating, no must-have state (as on screen and in the record): « — ».
            "Critères obligatoires": [
                MUST_HAVE_STATUS.get(s, s) if n > 0 else "—"
                for s, n in zip(table["obligatoires"], table["nb_notes"], strict=True)
            ],
            "Notes soumises": table["nb_notes"].astype("Int64"),
            "Étape atteinte": _texts(
                STAGE_BY_CODE[c].label if c in STAGE_BY_CODE else None for c in status["etape"]
            ),
            "Statut": _texts(
                CANDIDATE_STATUS.get(s, s) if isinstance(s, str) else None for s in status["statut"]
            ),
            "Dernière décision": _texts(
                DECISIONS.get(d, d) if isinstance(d, str) else None
                for d in status["derniere_decision"]
            ),
            "Date de la dernière décision": [_as_date(d) for d in status["derniere_decision_le"]],
        }
    )
    means = _means_by_candidate(comparison, status_table).reindex(ids)
    weights = comparison.weights
    for position, label in enumerate(means.columns):
        weight = weights.get(label) if weights.index.is_unique else None
        header = criterion_column(str(label), weight)
        out[header] = means.iloc[:, position].astype(float).round(2).to_numpy()
    origin = {True: WEIGHTS_SAVED, False: WEIGHTS_SIMULATED, None: WEIGHTS_UNKNOWN}
    out["Pondérations"] = _texts([origin[weights_saved]] * len(out))
    out["Vue du classement"] = _texts([SCORE_VIEWS[score_view]] * len(out))
    out["Date de l'export"] = [exported] * len(out)
    if extra is not None:
        frame = extra if isinstance(extra, pd.DataFrame) else pd.DataFrame(dict(extra))
        for header in frame.columns:
            out[str(header)] = frame[header].reindex(ids).to_numpy()
    return out


def csv_filename(recruitment_title: str, what: str, dialect: str, on: date) -> str:
    spec = csv_dialect(dialect)
    return export_filename(recruitment_title, what, spec.extension, on, variant=spec.file_tag)
