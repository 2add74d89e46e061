"""Advice on a brief (fiche de cadrage), returned as data so any page or export can show it.

These are warnings, never blocks: the intra stays free to keep a brief as it is. The rules come
from the beta.gouv.fr selection guide:

- few key competencies per interview: more than MAX_CRITERIA_PER_STAGE criteria at one stage;
- must-have and maximum-weight criteria are verified as early as possible: such a criterion whose
  first stage comes after the intra interview is flagged;
- a criterion probed at no stage will never get evidence;
- a criterion that no scored stage before the reference calls probes (only the culture stage,
  which is advisory and never scored, and/or the reference calls) will have no evidence before
  the calls: its must-have status stays « à confirmer » and the ranking ignores it until then;
- the culture stage (adequation) is for the collaboration frame only. Rule chosen here: a criterion
  is a collaboration/values criterion when its category, compared without case or accents,
  contains one of CULTURE_CATEGORY_KEYWORDS (collaboration, posture, valeurs, motivation,
  culture, savoir-être, soft skills, relationnel, vie d'équipe, capacités humaines). Any other
  category, an empty one included, is treated as a job skill;
- criteria are phrased « La personne est capable de … » (or at least « La personne … »): a gentle
  hint only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from selection.domain.labels import CRITERION_PHRASE_PREFIX
from selection.domain.model import Criterion
from selection.domain.stages import CULTURE, INTRA, REFERENCES, STAGE_BY_CODE, STAGES, stage_index

MAX_CRITERIA_PER_STAGE = 4

CULTURE_CATEGORY_KEYWORDS: tuple[str, ...] = (
    "collaboration",
    "posture",
    "valeur",
    "motivation",
    "culture",
    "savoir-etre",
    "savoir etre",
    "soft skill",
    "relationnel",
    "vie d'equipe",
    "capacites humaines",
)

TOO_MANY_AT_STAGE = "too_many_at_stage"
LATE_KEY_CHECK = "late_key_check"
NO_STAGE = "no_stage"
NO_EVIDENCE_BEFORE_REFERENCES = "no_evidence_before_references"
JOB_SKILL_AT_CULTURE = "job_skill_at_culture"
PHRASING = "phrasing"

WARNING = "warning"
HINT = "hint"


@dataclass(frozen=True)
class BriefWarning:
    code: str
    message_fr: str
    criterion_labels: tuple[str, ...] = ()
    stage: str | None = None
    severity: str = WARNING


def check_brief(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    """All warnings on a brief, in a stable order: stages, then criteria, then phrasing."""
    ordered = sorted(criteria, key=lambda c: c.position)
    return [
        *_too_many_per_stage(ordered),
        *_late_key_checks(ordered),
        *_without_stage(ordered),
        *_no_evidence_before_references(ordered),
        *_job_skills_at_culture(ordered),
        *_phrasing(ordered),
    ]


def is_culture_category(category: str) -> bool:
    """True when a category belongs to the collaboration frame (see the module docstring)."""
    folded = _fold(category)
    return any(keyword in folded for keyword in CULTURE_CATEGORY_KEYWORDS)


def is_well_phrased(statement: str) -> bool:
    """A statement starting with « La personne » describes an observable behaviour."""
    return _fold(statement).startswith("la personne ")


def _too_many_per_stage(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    warnings = []
    for stage in STAGES:
        labels = tuple(c.label for c in criteria if stage.code in c.stages)
        if len(labels) > MAX_CRITERIA_PER_STAGE:
            warnings.append(
                BriefWarning(
                    code=TOO_MANY_AT_STAGE,
                    message_fr=(
                        f"{len(labels)} critères à l'étape « {stage.label} » : gardez-en "
                        f"{MAX_CRITERIA_PER_STAGE} au plus pour avoir le temps de chercher des "
                        "preuves sur chacun. Déplacez les autres vers une autre étape."
                    ),
                    criterion_labels=labels,
                    stage=stage.code,
                )
            )
    return warnings


def _late_key_checks(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    limit = stage_index(INTRA)
    warnings = []
    for criterion in criteria:
        stages = _known_stages(criterion)
        if not (criterion.must_have or criterion.weight_level == 3) or not stages:
            continue
        first = min(stages, key=stage_index)
        if stage_index(first) <= limit:
            continue
        why = "obligatoire" if criterion.must_have else "de pondération maximale"
        warnings.append(
            BriefWarning(
                code=LATE_KEY_CHECK,
                message_fr=(
                    f"« {criterion.label} » est {why} mais n'est abordé qu'à partir de l'étape "
                    f"« {STAGE_BY_CODE[first].label} » : vérifiez-le le plus tôt possible, dès "
                    "la préqualification ou l'entretien intra."
                ),
                criterion_labels=(criterion.label,),
                stage=first,
            )
        )
    return warnings


def _without_stage(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    labels = tuple(c.label for c in criteria if not _known_stages(c))
    if not labels:
        return []
    return [
        BriefWarning(
            code=NO_STAGE,
            message_fr=(
                "Aucune étape n'aborde ces critères, ils ne recevront donc aucune preuve : "
                f"{_enumerate(labels)}. Affectez-les à au moins une étape."
            ),
            criterion_labels=labels,
        )
    ]


def _no_evidence_before_references(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    before = {s.code for s in STAGES if s.scored and stage_index(s.code) < stage_index(REFERENCES)}
    labels = tuple(
        c.label for c in criteria if _known_stages(c) and not before.intersection(c.stages)
    )
    if not labels:
        return []
    return [
        BriefWarning(
            code=NO_EVIDENCE_BEFORE_REFERENCES,
            message_fr=(
                "Aucune étape notée avant la prise de références n'aborde ces critères : ils "
                "n'auront aucune preuve avant les appels, et aucune du tout s'ils ne sont "
                "abordés qu'en entretien d'adéquation (consultatif, jamais compté dans le "
                f"score) : {_enumerate(labels)}. Pour les noter plus tôt, ajoutez-les à la "
                "préqualification, à l'entretien intra ou à la mise en situation."
            ),
            criterion_labels=labels,
            stage=REFERENCES,
        )
    ]


def _job_skills_at_culture(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    labels = tuple(
        c.label for c in criteria if CULTURE in c.stages and not is_culture_category(c.category)
    )
    if not labels:
        return []
    return [
        BriefWarning(
            code=JOB_SKILL_AT_CULTURE,
            message_fr=(
                "L'entretien d'adéquation porte sur le cadre de collaboration et reste "
                "consultatif : ces critères relèvent plutôt du métier, évaluez-les à une autre "
                "étape : "
                f"{_enumerate(labels)}. Si ce sont bien des critères de collaboration, de posture "
                "ou de valeurs, indiquez-le dans leur catégorie."
            ),
            criterion_labels=labels,
            stage=CULTURE,
        )
    ]


def _phrasing(criteria: Sequence[Criterion]) -> list[BriefWarning]:
    labels = tuple(c.label for c in criteria if not is_well_phrased(c.statement))
    if not labels:
        return []
    return [
        BriefWarning(
            code=PHRASING,
            message_fr=(
                f"Conseil : commencez l'énoncé par « {CRITERION_PHRASE_PREFIX} », suivi d'un "
                "verbe, d'un objet et d'un contexte, pour qu'il décrive ce qu'on doit observer. "
                f"Critères concernés : {_enumerate(labels)}."
            ),
            criterion_labels=labels,
            severity=HINT,
        )
    ]


def _known_stages(criterion: Criterion) -> tuple[str, ...]:
    return tuple(code for code in criterion.stages if code in STAGE_BY_CODE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").replace("’", "'"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def _enumerate(labels: Sequence[str]) -> str:
    return ", ".join(f"« {label} »" for label in labels)
