"""Entities of a selection and the validation rules that guard them.

Validation lives here so every entry point (pages, imports, tests) refuses the same bad input
with the same French message, before anything reaches storage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from selection.domain import limits
from selection.domain.errors import ValidationError as ValidationError
from selection.domain.ids import new_id as new_id
from selection.domain.ids import now as now
from selection.domain.stages import STAGE_BY_CODE

WEIGHT_MIN = 0.0
WEIGHT_MAX = 3.0
RATING_VALUES = (1, 2, 3)
DECISION_VALUES = ("continuer", "arreter", "en_attente", "retenu")


@dataclass(frozen=True)
class Recruitment:
    id: str
    title: str
    role: str = ""
    team: str = ""
    owner: str = ""
    status: str = "ouvert"
    created_at: datetime | None = None
    closed_at: datetime | None = None
    # Constraints of the mission, checked at pre-qualification (None = no constraint).
    start_date: date | None = None
    days_per_week: float | None = None
    remote_policy: str = ""
    max_daily_rate: int | None = None
    references_required: bool = True
    # v4: optimistic concurrency (version of the details), who changed them last, and the
    # revision of the whole recruitment (bumped by every write about it: caches key on it).
    version: int = 1
    updated_by: str = ""
    updated_at: datetime | None = None
    revision: int = 1

    def validated(self) -> Recruitment:
        title = (self.title or "").strip()
        if not title:
            raise ValidationError("Le titre du recrutement est obligatoire.")
        if self.status not in ("ouvert", "clos"):
            raise ValidationError(f"Statut de recrutement inconnu : « {_shown(self.status)} ».")
        if self.days_per_week is not None and not 0.5 <= self.days_per_week <= 5:
            raise ValidationError("Le nombre de jours par semaine va de 0,5 à 5.")
        if self.max_daily_rate is not None and self.max_daily_rate <= 0:
            raise ValidationError("Le TJM maximum doit être un montant positif.")
        checked = replace(
            self,
            title=title,
            role=(self.role or "").strip(),
            team=(self.team or "").strip(),
            owner=(self.owner or "").strip(),
        )
        _lengths(
            (checked.title, limits.TITLE, "Titre du recrutement"),
            (checked.role, limits.ROLE, "Rôle"),
            (checked.team, limits.SHORT_TEXT, "Équipe"),
            (checked.owner, limits.NAME, "Personne responsable"),
            (checked.remote_policy, limits.SHORT_TEXT, "Politique de télétravail"),
            (checked.updated_by, limits.NAME, "Modifié par"),
        )
        return checked


@dataclass(frozen=True)
class Criterion:
    id: str
    recruitment_id: str
    label: str
    statement: str = ""
    category: str = ""
    weight_level: int = 2
    weight: float = 2.0
    must_have: bool = False
    stages: tuple[str, ...] = ()
    position: int = 0
    questions: tuple[str, ...] = ()
    # v4: optimistic concurrency
    version: int = 1
    updated_by: str = ""
    updated_at: datetime | None = None

    def validated(self) -> Criterion:
        label = (self.label or "").strip()
        if not label:
            raise ValidationError("Chaque critère a besoin d'un intitulé court.")
        limits.check_length(label, limits.LABEL, "Intitulé du critère")
        if self.weight_level not in (1, 2, 3):
            raise ValidationError(
                f"Le niveau de pondération de « {label} » doit être 1, 2 ou 3 (reçu : {self.weight_level})."
            )
        weight = float(self.weight)
        if math.isnan(weight) or not WEIGHT_MIN <= weight <= WEIGHT_MAX:
            raise ValidationError(
                f"La pondération de « {label} » doit être comprise entre 0 et 3 (reçu : {self.weight})."
            )
        unknown = [s for s in self.stages if s not in STAGE_BY_CODE]
        if unknown:
            raise ValidationError(
                f"Étape inconnue pour « {label} » : {', '.join(_shown(u) for u in unknown[:5])}."
            )
        ordered = tuple(s for s in STAGE_BY_CODE if s in self.stages)
        questions = tuple(" ".join(q.split()) for q in self.questions if q and q.strip())
        checked = replace(
            self,
            label=label,
            statement=(self.statement or "").strip(),
            category=(self.category or "").strip(),
            weight=weight,
            stages=ordered,
            questions=questions,
        )
        _lengths(
            (checked.label, limits.LABEL, "Intitulé du critère"),
            (checked.statement, limits.STATEMENT, f"Énoncé de « {label[:60]} »"),
            (checked.category, limits.CATEGORY, f"Catégorie de « {label[:60]} »"),
            ("\n".join(checked.questions), limits.QUESTIONS, f"Questions de « {label[:60]} »"),
            (checked.updated_by, limits.NAME, "Modifié par"),
        )
        return checked


@dataclass(frozen=True)
class Candidate:
    id: str
    recruitment_id: str
    name: str
    email: str = ""
    phone: str = ""
    source: str = ""
    created_at: datetime | None = None
    # v3: consents and pre-qualification logistics (None = not asked yet)
    references_agreed: bool | None = None
    talent_pool_consent: bool = False
    available_from: date | None = None
    days_per_week: float | None = None
    remote_ok: bool | None = None
    other_processes: str = ""
    expected_daily_rate: int | None = None
    # v4: optimistic concurrency
    version: int = 1
    updated_by: str = ""
    updated_at: datetime | None = None

    def validated(self) -> Candidate:
        name = (self.name or "").strip()
        if not name:
            raise ValidationError("Le nom de la personne candidate est obligatoire.")
        limits.check_length(name, limits.NAME, "Nom")
        email = (self.email or "").strip()
        limits.check_length(email, limits.EMAIL, "Adresse électronique")
        if email and ("@" not in email or " " in email):
            raise ValidationError(f"Adresse électronique invalide : « {email} ».")
        if self.days_per_week is not None and not 0.5 <= self.days_per_week <= 5:
            raise ValidationError("Le nombre de jours par semaine va de 0,5 à 5.")
        if self.expected_daily_rate is not None and self.expected_daily_rate <= 0:
            raise ValidationError("Le TJM demandé doit être un montant positif.")
        checked = replace(
            self,
            name=name,
            email=email,
            phone=(self.phone or "").strip(),
            source=(self.source or "").strip(),
            other_processes=(self.other_processes or "").strip(),
        )
        _lengths(
            (checked.name, limits.NAME, "Nom"),
            (checked.email, limits.EMAIL, "Adresse électronique"),
            (checked.phone, limits.PHONE, "Téléphone"),
            (checked.source, limits.SOURCE, "Origine"),
            (checked.other_processes, limits.OTHER_PROCESSES, "Autres processus en cours"),
            (checked.updated_by, limits.NAME, "Modifié par"),
        )
        return checked


@dataclass(frozen=True, slots=True)  # slots: a recruitment can hold 150,000 of them
class Evaluation:
    """One interviewer's rating of one criterion for one candidate at one stage.

    rating None means « non évalué »: it is kept (the evidence may still be useful) but never
    counted, so a missing rating can never pull a candidate down.
    """

    id: str
    candidate_id: str
    stage: str
    criterion_id: str
    interviewer: str  # who rated: their identity key (login e-mail, or the signed name when open)
    rating: int | None
    evidence: str = ""
    doubt: bool = False
    doubt_note: str = ""
    status: str = "soumis"
    created_at: datetime | None = None
    updated_at: datetime | None = None
    interviewer_name: str = ""  # v4: how the rater is shown (defaults to the key)

    @property
    def rater(self) -> str:
        """The rater's name as shown on screens and in documents."""
        return self.interviewer_name or self.interviewer

    def validated(self) -> Evaluation:
        if self.stage not in STAGE_BY_CODE:
            raise ValidationError(f"Étape inconnue : « {_shown(self.stage)} ».")
        interviewer = (self.interviewer or "").strip()
        if not interviewer:
            raise ValidationError("Indiquez qui a mené l'entretien.")
        if self.rating is not None and self.rating not in RATING_VALUES:
            raise ValidationError(f"Une note va de 1 à 3 (reçu : {self.rating}).")
        evidence = (self.evidence or "").strip()
        if self.rating is not None and not evidence:
            raise ValidationError(
                "Une note sans preuve écrite n'est pas une note : décrivez ce que la personne a dit ou fait."
            )
        if self.status not in ("brouillon", "soumis"):
            raise ValidationError(f"Statut d'évaluation inconnu : « {_shown(self.status)} ».")
        doubt_note = (self.doubt_note or "").strip()
        # Collapsed either way, so that validating twice (a backup restored) changes nothing.
        name = " ".join((self.interviewer_name or interviewer).split())
        _lengths(
            (interviewer, limits.NAME, "Personne évaluatrice"),
            (name, limits.NAME, "Nom de la personne évaluatrice"),
            (evidence, limits.EVIDENCE, "Preuves"),
            (doubt_note, limits.DOUBT_NOTE, "Doute"),
        )
        return replace(
            self,
            interviewer=interviewer,
            interviewer_name=name,
            evidence=evidence,
            doubt_note=doubt_note,
        )


@dataclass(frozen=True)
class StageDecision:
    id: str
    candidate_id: str
    stage: str
    decision: str
    decided_by: str
    reason: str = ""
    decided_at: datetime | None = None

    def validated(self) -> StageDecision:
        if self.stage not in STAGE_BY_CODE:
            raise ValidationError(f"Étape inconnue : « {_shown(self.stage)} ».")
        if self.decision not in DECISION_VALUES:
            raise ValidationError(f"Décision inconnue : « {_shown(self.decision)} ».")
        who = (self.decided_by or "").strip()
        if not who:
            raise ValidationError("Indiquez qui prend la décision.")
        reason = (self.reason or "").strip()
        if self.decision == "arreter" and not reason:
            raise ValidationError("Donnez la raison de l'arrêt : la personne recevra une réponse.")
        if self.decision == "retenu" and not reason:
            raise ValidationError("Justifiez le choix final : il sera conservé dans le dossier.")
        _lengths((who, limits.NAME, "Décision prise par"), (reason, limits.REASON, "Motif"))
        return replace(self, decided_by=who, reason=reason)


SEVERITIES = ("faible", "moyen", "fort")
RECOMMENDATIONS = ("oui", "reserves", "non")


@dataclass(frozen=True)
class CultureNote:
    """An advisory observation from the culture-fit meeting: never a score, never a yes/no."""

    id: str
    candidate_id: str
    author: str  # identity key, as Evaluation.interviewer
    note: str
    warning: bool = False
    severity: str = "faible"
    created_at: datetime | None = None
    author_name: str = ""  # v4: how the author is shown

    @property
    def author_label(self) -> str:
        return self.author_name or self.author

    def validated(self) -> CultureNote:
        author = (self.author or "").strip()
        note = (self.note or "").strip()
        if not author:
            raise ValidationError("Indiquez qui a fait l'observation.")
        if not note:
            raise ValidationError("Décrivez l'observation : ce qui a été dit ou vu.")
        if self.severity not in SEVERITIES:
            raise ValidationError(f"Gravité inconnue : « {_shown(self.severity)} ».")
        name = " ".join((self.author_name or author).split())
        _lengths(
            (author, limits.NAME, "Auteur ou autrice"),
            (name, limits.NAME, "Nom de l'auteur ou de l'autrice"),
            (note, limits.NOTE, "Observation"),
        )
        return replace(self, author=author, author_name=name, note=note)


@dataclass(frozen=True)
class ReferenceCall:
    """A reference call; its ratings are evaluations of the « références » stage."""

    id: str
    candidate_id: str
    referee_name: str
    relation: str
    organisation: str
    called_on: date
    recommendation: str
    recorded_by: str
    notes: str = ""
    created_at: datetime | None = None
    recorded_by_key: str = ""  # v4: identity key of who made the call (defaults to the name)

    def validated(self) -> ReferenceCall:
        referee = (self.referee_name or "").strip()
        who = (self.recorded_by or "").strip()
        if not referee:
            raise ValidationError("Indiquez le nom de la personne référente.")
        if not who:
            raise ValidationError("Indiquez qui a mené l'appel.")
        if self.recommendation not in RECOMMENDATIONS:
            raise ValidationError(f"Recommandation inconnue : « {_shown(self.recommendation)} ».")
        checked = replace(
            self,
            referee_name=referee,
            recorded_by=who,
            recorded_by_key=(self.recorded_by_key or "").strip() or who,
            relation=(self.relation or "").strip(),
            organisation=(self.organisation or "").strip(),
            notes=(self.notes or "").strip(),
        )
        _lengths(
            (referee, limits.NAME, "Personne référente"),
            (who, limits.NAME, "Appel mené par"),
            (checked.recorded_by_key, limits.NAME, "Appel mené par (identifiant)"),
            (checked.relation, limits.SHORT_TEXT, "Relation"),
            (checked.organisation, limits.SHORT_TEXT, "Organisation"),
            (checked.notes, limits.NOTE, "Notes de l'appel"),
        )
        return checked


@dataclass(frozen=True)
class PanelAssignment:
    """Who interviews whom at which stage (the stage plan): a person assigned here is on the
    panel of that candidate at that stage, and owes an evaluation (PRODUCT.md §10)."""

    id: str
    candidate_id: str
    stage: str
    member_key: str  # identity key (login e-mail, or the name when the app runs open)
    member_name: str = ""
    assigned_by: str = ""
    assigned_at: datetime | None = None

    @property
    def member_label(self) -> str:
        return self.member_name or self.member_key

    def validated(self) -> PanelAssignment:
        if self.stage not in STAGE_BY_CODE:
            raise ValidationError(f"Étape inconnue : « {_shown(self.stage)} ».")
        key = (self.member_key or "").strip()
        if not key:
            raise ValidationError("Indiquez qui fait passer l'entretien.")
        name = (self.member_name or "").strip() or key
        _lengths(
            (key, limits.NAME, "Personne du panel"),
            (name, limits.NAME, "Nom de la personne du panel"),
            (self.assigned_by, limits.NAME, "Affectée par"),
        )
        return replace(self, member_key=key, member_name=name)


@dataclass(frozen=True)
class DebriefOpening:
    """The owner opened the meeting view of a candidate's stage before every assigned interviewer
    submitted (« pas de débrief à chaud » lifted early), with the reason, for the file."""

    id: str
    candidate_id: str
    stage: str
    opened_by: str
    reason: str
    opened_at: datetime | None = None

    def validated(self) -> DebriefOpening:
        if self.stage not in STAGE_BY_CODE:
            raise ValidationError(f"Étape inconnue : « {_shown(self.stage)} ».")
        reason = (self.reason or "").strip()
        if not reason:
            raise ValidationError(
                "Donnez la raison d'ouvrir la discussion avant que tout le panel ait noté."
            )
        opened_by = (self.opened_by or "").strip()
        _lengths((opened_by, limits.NAME, "Ouverte par"), (reason, limits.REASON, "Raison"))
        return replace(self, reason=reason, opened_by=opened_by)


def _shown(value: object, size: int = 60) -> str:
    """A value quoted in a message, cut so that a huge input never makes a huge message."""
    text = str(value)
    return text if len(text) <= size else text[:size] + "…"


def _lengths(*checks: tuple[str | None, int, str]) -> None:
    """(value, limit, field shown to the person): the first text too long is refused."""
    for value, limit, field_name in checks:
        limits.check_length(value, limit, field_name)


@dataclass
class RecruitmentSnapshot:
    """Everything about one recruitment, read in one go for a screen or an export."""

    recruitment: Recruitment
    criteria: list[Criterion] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    decisions: list[StageDecision] = field(default_factory=list)
    culture_notes: list[CultureNote] = field(default_factory=list)
    reference_calls: list[ReferenceCall] = field(default_factory=list)
    panel: list[PanelAssignment] = field(default_factory=list)  # v4
    openings: list[DebriefOpening] = field(default_factory=list)  # v4
    # Furthest stage index holding a submitted rating, per candidate, read from every rating when
    # the snapshot is scoped to a viewer (who may not see them all): the stage reached stays the
    # same for everyone. None: derive it from the evaluations held here.
    rated_reached: dict[str, int] | None = None
