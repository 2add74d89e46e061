"""The five-stage beta.gouv.fr selection process, as a fixed catalogue.

The catalogue is code, not data: stage codes are stored in the database and referenced by
presets, kits and exports, so they must never change once released.
"""

from __future__ import annotations

from dataclasses import dataclass

from selection.domain.errors import ValidationError


@dataclass(frozen=True)
class Phase:
    label: str
    minutes_min: int
    minutes_max: int


@dataclass(frozen=True)
class Stage:
    code: str
    order: int
    label: str
    short_label: str
    typical_minutes: int
    max_minutes: int
    purpose: str
    scored: bool
    phases: tuple[Phase, ...]


PREQUALIFICATION = "prequalification"
INTRA = "intra"
WORK_SAMPLE = "mise_en_situation"
CULTURE = "adequation"
REFERENCES = "references"

STAGES: tuple[Stage, ...] = (
    Stage(
        code=PREQUALIFICATION,
        order=1,
        label="Préqualification",
        short_label="Préqual.",
        typical_minutes=30,
        max_minutes=30,
        purpose=(
            "Vérifier que les points essentiels de la mission sont couverts avant d'aller plus loin : "
            "une question par compétence clé et les éléments logistiques."
        ),
        scored=True,
        phases=(
            Phase("Présentation du contexte et de l'équipe", 2, 2),
            Phase("Parcours de la personne, centré sur la mission", 5, 5),
            Phase("Une question par compétence clé", 10, 12),
            Phase("Intérêt pour le service public numérique", 3, 5),
            Phase("Éléments logistiques", 3, 5),
            Phase("Questions de la personne et suite du processus", 2, 3),
        ),
    ),
    Stage(
        code=INTRA,
        order=2,
        label="Entretien intra / métier",
        short_label="Intra",
        typical_minutes=60,
        max_minutes=60,
        purpose=(
            "Réunir des preuves sur les compétences métier, vérifier la compréhension du produit "
            "et ce qui ferait choisir cette mission."
        ),
        scored=True,
        phases=(
            Phase("Présentation du contexte", 2, 2),
            Phase("Une à deux questions par critère, preuves concrètes", 25, 35),
            Phase("Style de collaboration et contextes de réussite", 8, 10),
            Phase("Compréhension du produit et des enjeux", 5, 8),
            Phase("Ce qui ferait choisir la mission", 3, 5),
            Phase("Clôture et suite du processus", 2, 2),
        ),
    ),
    Stage(
        code=WORK_SAMPLE,
        order=3,
        label="Mise en situation",
        short_label="Mise en sit.",
        typical_minutes=60,
        max_minutes=60,
        purpose=(
            "Projeter les compétences validées dans le contexte de la mission, en direct avec "
            "une personne experte du métier."
        ),
        scored=True,
        phases=(
            Phase("Consigne et rappel du produit et de l'équipe", 5, 10),
            Phase("Reformulation et questions de la personne", 5, 10),
            Phase("Préparation autonome", 10, 20),
            Phase("Restitution et demandes de précision", 10, 20),
        ),
    ),
    Stage(
        code=CULTURE,
        order=4,
        label="Entretien d'adéquation",
        short_label="Adéquation",
        typical_minutes=30,
        max_minutes=30,
        purpose=(
            "L'équipe rencontre les profils présélectionnés pour repérer d'éventuels signaux "
            "d'alerte sur le cadre de collaboration. Avis consultatif, sans oui ou non."
        ),
        scored=False,
        phases=(
            Phase("Présentation et parcours", 5, 5),
            Phase("Valeurs de la communauté et quotidien de l'équipe", 10, 10),
            Phase("Management et cadre de collaboration", 10, 10),
            Phase("Sujets proposés par la personne", 5, 5),
        ),
    ),
    Stage(
        code=REFERENCES,
        order=5,
        label="Prise de références",
        short_label="Références",
        typical_minutes=15,
        max_minutes=15,
        purpose=(
            "Obtenir les dernières preuves de compétences et lever ou confirmer les doutes nés "
            "pendant le processus, auprès d'une personne choisie par le ou la candidate."
        ),
        scored=True,
        phases=(
            Phase("Présentation du contexte", 1, 1),
            Phase("Poste et missions tenues", 3, 4),
            Phase("Compétences observées, en priorité celles qui font douter", 6, 8),
            Phase("Recommandation pour la mission envisagée", 2, 2),
        ),
    ),
)

STAGE_BY_CODE: dict[str, Stage] = {stage.code: stage for stage in STAGES}
STAGE_CODES: tuple[str, ...] = tuple(stage.code for stage in STAGES)
SCORED_STAGE_CODES: tuple[str, ...] = tuple(s.code for s in STAGES if s.scored)


def stage(code: str) -> Stage:
    """Return the stage for a code, with a French message for an unknown one."""
    try:
        return STAGE_BY_CODE[code]
    except KeyError:
        raise ValidationError(f"Étape inconnue : « {code} ».") from None


_INDEX: dict[str, int] = {s.code: s.order - 1 for s in STAGES}


def stage_index(code: str) -> int:
    """Position of a stage in the process (0 = pre-qualification); called once per rating, so a
    plain dictionary look-up, with the French error only for an unknown code."""
    index = _INDEX.get(code)
    return stage(code).order - 1 if index is None else index
