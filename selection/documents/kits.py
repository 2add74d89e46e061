"""Interview kits: the brief of one stage turned into a guide an interviewer can run alone.

A kit is built as data (``Kit``), turned into one ``Document`` (``kit_document``) and rendered
by the shared renderers of ``documents/document.py``, to Markdown and to a standalone printable
HTML page, so the screen, both downloads and the tests read the same content with the same
escaping. Every text below is ours, written from the beta.gouv.fr guides; nothing in a kit is
left for the reader to fill in except the rating boxes and the notes areas.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from selection.documents.document import (
    Block,
    Box,
    BulletList,
    Checklist,
    Document,
    Heading,
    Inline,
    NotesArea,
    NumberedList,
    Paragraph,
    Quote,
    Span,
    bold,
    inline,
    render_html,
    render_markdown,
    table,
)
from selection.domain.labels import NOT_RATED, RATING_ANCHORS, WEIGHT_LEVELS
from selection.domain.model import Criterion, Recruitment, ValidationError
from selection.domain.presets import Preset, get_preset
from selection.domain.stages import (
    CULTURE,
    INTRA,
    PREQUALIFICATION,
    REFERENCES,
    WORK_SAMPLE,
    Phase,
    stage,
)

MAX_SLUG_LENGTH = 60


@dataclass(frozen=True)
class AgendaLine:
    label: str
    minutes_min: int
    minutes_max: int
    guidance: str = ""  # what the interviewer does during this phase, when the stage says it

    @property
    def duration(self) -> str:
        if self.minutes_min == self.minutes_max:
            return _minutes_text(self.minutes_max)
        return f"{self.minutes_min}–{_minutes_text(self.minutes_max)}"


@dataclass(frozen=True)
class KitItem:
    text: str
    heading: str = ""
    detail: str = ""


@dataclass(frozen=True)
class KitSection:
    title: str
    intro: str = ""
    items: tuple[KitItem, ...] = ()
    checklist: bool = False


@dataclass(frozen=True)
class KitCriterion:
    label: str
    statement: str
    category: str
    weight_level: int
    must_have: bool
    questions: tuple[str, ...]

    @property
    def weight_label(self) -> str:
        return WEIGHT_LEVELS.get(self.weight_level, str(self.weight_level))


@dataclass(frozen=True)
class Kit:
    title: str
    recruitment_title: str
    role: str
    team: str
    stage_code: str
    stage_label: str
    purpose: str
    duration: str
    scored: bool
    tips: tuple[str, ...]
    agenda: tuple[AgendaLine, ...]
    standard_questions: tuple[KitItem, ...]
    criteria_intro: str
    criteria: tuple[KitCriterion, ...]
    sections: tuple[KitSection, ...]
    rating_intro: str
    rating_scale: tuple[str, ...]
    closing: tuple[str, ...]
    agenda_intro: str = ""


# Standard questions of each stage, written from the guides' interview outlines.
STANDARD_QUESTIONS: dict[str, tuple[KitItem, ...]] = {
    PREQUALIFICATION: (
        KitItem(
            heading="Parcours",
            text="Peux-tu te présenter en quelques minutes, en gardant surtout ce qui se "
            "rapproche de cette mission ?",
        ),
        KitItem(
            heading="Intérêt pour le service public",
            text="Connaissais-tu beta.gouv.fr avant de postuler ? Qu'est-ce qui t'attire dans "
            "une mission de service public numérique, et quelles contraintes te paraîtraient "
            "difficiles à vivre ?",
        ),
        KitItem(
            heading="Questions de la personne",
            text="Y a-t-il des points que tu aimerais éclaircir avant d'aller plus loin ?",
            detail="Ses questions révèlent ce qui comptera dans sa décision.",
        ),
    ),
    INTRA: (
        KitItem(
            heading="Contextes de réussite",
            text="Décris une équipe dans laquelle tu as particulièrement bien fonctionné : "
            "qu'est-ce qui rendait cela possible ?",
        ),
        KitItem(
            heading="Contextes difficiles",
            text="À l'inverse, parle-moi d'une équipe ou d'un projet où c'était plus difficile "
            "pour toi. Comment l'as-tu vécu ?",
        ),
        KitItem(
            heading="Compréhension du produit",
            text="Qu'as-tu compris de notre produit et de sa mission ? Quels en sont, selon toi, "
            "les principaux enjeux à court terme ?",
        ),
        KitItem(
            heading="Choix de la mission",
            text="Qu'est-ce qui comptera le plus pour toi au moment de choisir ta prochaine "
            "mission ?",
        ),
    ),
    WORK_SAMPLE: (
        KitItem(
            heading="Reformulation",
            text="Avant de commencer, peux-tu reformuler ce que tu as compris de la demande ?",
        ),
        KitItem(
            heading="Informations utiles",
            text="De quelles informations aurais-tu besoin pour t'y mettre ?",
        ),
        KitItem(
            heading="Retour sur l'exercice",
            text="Si tu avais une journée de plus, qu'approfondirais-tu en premier ?",
        ),
    ),
    CULTURE: (
        KitItem(
            heading="Parcours et choix",
            text="Peux-tu revenir sur les grandes étapes de ton parcours, et surtout sur ce qui a "
            "motivé chacun de tes choix ?",
        ),
        KitItem(
            heading="Mission",
            text="Avec ce qu'on t'a présenté, que retiens-tu de la mission et de ses enjeux ? "
            "Quelle différence vois-tu entre un produit privé et un service public numérique ?",
        ),
        KitItem(
            heading="Cadre de collaboration",
            text="Comment te sens-tu dans une équipe où les décisions se prennent à plat et où "
            "les retours entre pairs sont fréquents ? As-tu déjà travaillé à distance et en "
            "asynchrone ?",
        ),
        KitItem(
            heading="Signaux d'alerte",
            text="Qu'est-ce qui, dans notre façon de travailler, pourrait te faire hésiter ?",
        ),
        KitItem(
            heading="Questions de la personne",
            text="Y a-t-il des points sur la mission, l'équipe ou notre fonctionnement que tu "
            "aimerais éclaircir ?",
        ),
    ),
    REFERENCES: (
        KitItem(
            heading="Poste et missions",
            text="Pouvez-vous me décrire en quelques mots le poste que la personne occupait chez "
            "vous et ses principales missions ? Pourquoi a-t-elle quitté l'organisation ?",
        ),
        KitItem(
            heading="Contextes de réussite",
            text="Dans quel contexte était-elle la plus à l'aise ? Et la moins ?",
        ),
        KitItem(
            heading="Recommandation",
            text="La recommanderiez-vous pour une mission comme la nôtre, dans un service public "
            "numérique ? Avec quels points de vigilance ?",
        ),
    ),
}

_COMMON_TIPS = (
    "Relisez la fiche de cadrage et les comptes rendus des entretiens précédents sur WTTJ, pour "
    "ne pas reposer les mêmes questions.",
    "Cherchez des preuves : des réalisations concrètes et vérifiables, pas des intentions.",
    "Méfiez-vous des biais (affinité, parcours semblable au vôtre, première impression) : "
    "appuyez-vous sur ce que la personne a fait.",
)

_STAGE_TIPS: dict[str, tuple[str, ...]] = {
    PREQUALIFICATION: (
        "Cet entretien peut être mené par une personne tierce.",
        "Si trop de points essentiels manquent, arrêtez là : inutile d'aller plus loin.",
    ),
    INTRA: (
        "Cet entretien peut être regroupé avec la préqualification quand la même personne mène "
        "les deux.",
    ),
    WORK_SAMPLE: ("Une personne experte du métier mène ou co-anime l'entretien.",),
    CULTURE: (
        "Cette rencontre est réservée aux 1 à 3 profils présélectionnés, idéalement sur place "
        "avec l'équipe.",
    ),
    REFERENCES: ("Faites systématiquement cet appel pour les derniers profils encore en lice.",),
}

_CRITERIA_INTRO: dict[str, str] = {
    PREQUALIFICATION: "Une question par compétence clé : elle suffit à savoir si l'essentiel "
    "est là. Relancez pour obtenir un exemple précis.",
    INTRA: "Une à deux questions par critère. Relancez jusqu'à obtenir une réalisation "
    "concrète : le contexte, ce que la personne a fait elle-même, le résultat.",
    WORK_SAMPLE: "Pendant la restitution, cherchez les preuves de ces critères dans la méthode "
    "et le raisonnement de la personne ; les questions d'exploration servent à les creuser.",
    CULTURE: "Sujets à creuser, sans note : relevez les faits et les signaux d'alerte "
    "éventuels sur le cadre de collaboration.",
    REFERENCES: "Une question par critère, en priorité sur ceux qui ont fait douter pendant "
    "le processus.",
}

_WORK_SAMPLE_PHASE_GUIDANCE = (
    "Livrez la consigne, puis rappelez les informations clés sur le produit et l'équipe.",
    "Laissez la personne reformuler et répondez à ses questions.",
    "La personne prépare sa réponse seule ; restez disponible sans l'aider.",
    "Écoutez la restitution, puis posez vos questions d'exploration.",
)

_CULTURE_TOPICS = (
    "Les valeurs de la communauté beta.gouv.fr : la personne les a-t-elle lues, font-elles écho "
    "à sa façon de travailler ?",
    "Le quotidien dans l'équipe.",
    "Le management et le cadre de collaboration.",
    "Tout sujet que la personne souhaite aborder.",
)

_CAPABLE = re.compile(r"^la personne est capable (?:de\s+|d['’]\s*)(.+)$", re.IGNORECASE)
# « définir et de porter » must read « définir et porter » once « capable de » is cut off.
_REPEATED_DE = re.compile(
    r"(,|\bet|\bpuis|\bou) d(?:e\s+|['’])"
    r"(?=(?:les\s+|s['’]|se\s+|en\s+|y\s+)?\w+(?:er|ir|re|oir)\b)"
)
_SECOND_PERSON = (
    (re.compile(r"\bs['’]", re.IGNORECASE), "t'"),
    (re.compile(r"\bse\b"), "te"),
    (re.compile(r"\bson\b"), "ton"),
    (re.compile(r"\bsa\b"), "ta"),
    (re.compile(r"\bses\b"), "tes"),
)


def build_kit(
    recruitment: Recruitment,
    criteria: Sequence[Criterion],
    stage_code: str,
    *,
    preset_key: str | None = None,
) -> Kit:
    """The kit of one stage: exactly the criteria assigned to it, plus the stage's own guide.

    preset_key adds the role guide's extras for this stage (alternative agenda, notes, question
    themes, example live case); without it the kit stands on the brief alone.
    """
    st = stage(stage_code)
    preset = get_preset(preset_key) if preset_key else None
    assigned = sorted((c for c in criteria if stage_code in c.stages), key=lambda c: c.position)
    sections: list[KitSection] = []
    if stage_code == PREQUALIFICATION:
        sections.append(_logistics_section(recruitment))
    elif stage_code == WORK_SAMPLE:
        sections.append(_live_case_section())
    elif stage_code == CULTURE:
        sections.extend(_culture_sections())
    elif stage_code == REFERENCES:
        sections.append(_references_section(recruitment))
    if preset is not None:
        sections.extend(_preset_sections(preset, stage_code))
    return Kit(
        title=f"Kit d'entretien — {st.label}",
        recruitment_title=recruitment.title.strip(),
        role=(recruitment.role or "").strip(),
        team=(recruitment.team or "").strip(),
        stage_code=st.code,
        stage_label=st.label,
        purpose=st.purpose,
        duration=f"{st.max_minutes} minutes au plus",
        scored=st.scored,
        tips=_COMMON_TIPS + _STAGE_TIPS.get(stage_code, ()),
        agenda=_agenda(stage_code, st.phases),
        agenda_intro=(
            "Quatre temps, en une heure : la consigne se découvre en direct."
            if stage_code == WORK_SAMPLE
            else ""
        ),
        standard_questions=STANDARD_QUESTIONS.get(stage_code, ()),
        criteria_intro=_CRITERIA_INTRO.get(stage_code, ""),
        criteria=tuple(_kit_criterion(c, stage_code) for c in assigned),
        sections=tuple(sections),
        rating_intro=_rating_intro(st.scored),
        rating_scale=_rating_scale(st.scored),
        closing=_closing(stage_code),
    )


def candidate_question(criterion: Criterion) -> str:
    """A behavioural question built from the statement, for a criterion with no question bank."""
    action = _action(criterion.statement)
    if action:
        for pattern, replacement in _SECOND_PERSON:
            action = pattern.sub(replacement, action)
        return (
            f"Raconte-moi une situation où tu as dû {action}. Qu'as-tu fait concrètement, "
            "et avec quel résultat ?"
        )
    return (
        f"À propos de « {criterion.label} » : raconte-moi une situation récente où tu l'as mis "
        "en pratique. Qu'as-tu fait concrètement, et avec quel résultat ?"
    )


def referee_question(criterion: Criterion) -> str:
    """The same criterion asked to a referee, about what they saw the candidate do."""
    action = _action(criterion.statement)
    if action:
        return (
            f"Avez-vous vu la personne {action} ? Qu'avez-vous constaté concrètement, "
            "dans quel contexte ?"
        )
    return (
        f"À propos de « {criterion.label} » : qu'avez-vous observé concrètement dans son "
        "travail, et dans quel contexte ?"
    )


def kit_filename(recruitment: Recruitment, stage_code: str, ext: str) -> str:
    """An ASCII file name naming the recruitment and the stage, safe on every system."""
    stage(stage_code)
    extension = (ext or "").strip().lstrip(".").lower()
    if not extension.isascii() or not extension.isalnum():
        raise ValidationError(f"Extension de fichier invalide : « {ext} ».")
    title = _slug(recruitment.title)[:MAX_SLUG_LENGTH].strip("-") or "recrutement"
    return f"kit-{title}-{_slug(stage_code)}.{extension}"


def kit_document(kit: Kit) -> Document:
    """The kit as one Document: the same blocks for the screen, Markdown and printable HTML."""
    blocks: list[Block] = [
        Paragraph(_meta(kit)),
        Heading(2, "Objectif"),
        Paragraph(inline(kit.purpose)),
        Heading(2, "Avant de commencer"),
        BulletList(tuple(inline(tip) for tip in kit.tips)),
        Heading(2, "Déroulé"),
    ]
    if kit.agenda_intro:
        blocks.append(Paragraph(inline(kit.agenda_intro)))
    guided = any(line.guidance for line in kit.agenda)
    headers = ("Durée", "Séquence", "Ce que fait la personne qui mène l'entretien")
    blocks.append(
        table(
            headers if guided else headers[:2],
            (
                (line.duration, line.label, line.guidance)
                if guided
                else (line.duration, line.label)
                for line in kit.agenda
            ),
        )
    )
    if kit.standard_questions:
        blocks += [
            Heading(2, "Questions de l'étape"),
            BulletList(tuple(_item(item) for item in kit.standard_questions)),
        ]
    blocks.append(Heading(2, f"Critères évalués à cette étape ({len(kit.criteria)})"))
    if kit.criteria:
        blocks.append(Paragraph(inline(kit.criteria_intro)))
        blocks += [
            _criterion_card(index, criterion, kit.scored)
            for index, criterion in enumerate(kit.criteria, start=1)
        ]
    else:
        blocks.append(
            Paragraph(inline("Aucun critère de la fiche de cadrage n'est affecté à cette étape."))
        )
    for section in kit.sections:
        blocks.append(Heading(2, section.title))
        if section.intro:
            blocks.append(Paragraph(inline(section.intro)))
        items = tuple(_item(item) for item in section.items)
        blocks.append(Checklist(items) if section.checklist else BulletList(items))
    blocks += [
        Heading(2, "Échelle de notation" if kit.scored else "Avis consultatif"),
        Paragraph(inline(kit.rating_intro)),
    ]
    if kit.rating_scale:
        blocks.append(BulletList(tuple(inline(anchor) for anchor in kit.rating_scale)))
    blocks += [
        Heading(2, "Pour conclure"),
        BulletList(tuple(inline(line) for line in kit.closing)),
    ]
    return Document(kit.title, tuple(blocks))


def kit_markdown(kit: Kit) -> str:
    """The kit as Markdown (user text escaped: no link, image or HTML can come out of it)."""
    return render_markdown(kit_document(kit))


def kit_html(kit: Kit) -> str:
    """A standalone page (inline CSS, no external resource) that prints cleanly on A4."""
    return render_html(kit_document(kit), page_title=f"{kit.title} · {kit.recruitment_title}")


def _agenda(stage_code: str, phases: Sequence[Phase]) -> tuple[AgendaLine, ...]:
    guidance = _WORK_SAMPLE_PHASE_GUIDANCE if stage_code == WORK_SAMPLE else ()
    return tuple(
        AgendaLine(p.label, p.minutes_min, p.minutes_max, guidance[i] if i < len(guidance) else "")
        for i, p in enumerate(phases)
    )


def _kit_criterion(criterion: Criterion, stage_code: str) -> KitCriterion:
    bank = tuple(q for q in criterion.questions if q.strip())
    if stage_code == INTRA:
        questions = bank[:2] or (candidate_question(criterion),)
    elif stage_code in (PREQUALIFICATION, CULTURE):
        questions = bank[:1] or (candidate_question(criterion),)
    elif stage_code == REFERENCES:
        questions = (referee_question(criterion),)
    else:
        questions = ()
    return KitCriterion(
        label=criterion.label,
        statement=criterion.statement,
        category=criterion.category,
        weight_level=criterion.weight_level,
        must_have=criterion.must_have,
        questions=questions,
    )


def _logistics_section(recruitment: Recruitment) -> KitSection:
    items = (
        KitItem(
            heading="Date de démarrage",
            text="À partir de quand pourrais-tu commencer ?",
            detail=(
                f"Démarrage prévu de la mission : {_date_fr(recruitment.start_date)}."
                if recruitment.start_date
                else ""
            ),
        ),
        KitItem(
            heading="Jours par semaine",
            text="Sur quel rythme pourrais-tu travailler, en jours par semaine ?",
            detail=(
                f"Rythme de la mission : {_days_fr(recruitment.days_per_week)} par semaine."
                if recruitment.days_per_week
                else ""
            ),
        ),
        KitItem(
            heading="Télétravail",
            text="Quelles sont tes attentes en matière de télétravail ?",
            detail=(
                f"Politique de l'équipe : {_sentence(recruitment.remote_policy)}"
                if (recruitment.remote_policy or "").strip()
                else ""
            ),
        ),
        KitItem(
            heading="Prise de références",
            text="Es-tu d'accord pour que nous appelions des personnes de référence que tu "
            "choisiras ?",
            detail=(
                "Accord obligatoire pour cette mission : sans accord, le processus s'arrête."
                if recruitment.references_required
                else "Accord recommandé : la personne est toujours informée avant tout appel."
            ),
        ),
        KitItem(
            heading="Autres démarches en cours",
            text="As-tu d'autres processus de sélection en cours ? Où en es-tu ?",
        ),
        KitItem(
            heading="TJM attendu",
            text="Quel est ton TJM pour ce type de mission ?",
            detail=(
                f"TJM maximum de la mission : {_euros(recruitment.max_daily_rate)}."
                if recruitment.max_daily_rate
                else ""
            ),
        ),
    )
    return KitSection(
        title="Éléments logistiques à vérifier",
        intro="Le but est de repérer tout ce qui pourrait bloquer. Comparez chaque réponse aux "
        "contraintes de la mission indiquées en dessous.",
        items=items,
        checklist=True,
    )


def _live_case_section() -> KitSection:
    return KitSection(
        title="Préparer le cas en direct",
        items=(
            KitItem(
                "Préparez le cas dès le cadrage : une action à mener ou un problème à résoudre, "
                "tiré du quotidien de la mission et qui mobilise les critères de cette étape."
            ),
            KitItem(
                "La consigne se découvre en direct, jamais à l'avance : les personnes candidates "
                "sont à égalité et les réponses préparées par une IA sont évitées."
            ),
            KitItem("Adaptez la difficulté du cas à la séniorité attendue sur la mission."),
            KitItem(
                "Laissez la personne parler au maximum : sa méthode et son raisonnement comptent "
                "plus qu'une réponse parfaite."
            ),
        ),
    )


def _culture_sections() -> tuple[KitSection, ...]:
    return (
        KitSection(
            title="Sujets à aborder avec l'équipe",
            items=tuple(KitItem(topic) for topic in _CULTURE_TOPICS),
        ),
        KitSection(
            title="Règles de l'entretien d'adéquation",
            items=(
                KitItem("Avis consultatif seulement : aucun oui ou non des membres de l'équipe."),
                KitItem(
                    "Cherchez les signaux d'alerte sur le cadre de collaboration qui n'auraient "
                    "pas été repérés plus tôt, et décrivez-les par des faits."
                ),
                KitItem(
                    "Ces signaux sont montrés à côté du score, jamais dedans : ils éclairent la "
                    "décision de l'intra."
                ),
            ),
        ),
    )


def _references_section(recruitment: Recruitment) -> KitSection:
    agreement = (
        "Pour cette mission, l'accord est une condition : il a été vérifié en préqualification."
        if recruitment.references_required
        else "Aucun appel sans que la personne candidate en soit informée."
    )
    return KitSection(
        title="Avant l'appel",
        items=(
            KitItem("La personne de référence est choisie par la personne candidate."),
            KitItem(
                "La personne candidate est informée et a donné son accord avant tout appel. "
                + agreement
            ),
            KitItem(
                "Concentrez-vous sur les compétences qui ont fait douter pendant le processus : "
                "le but est de lever ou de confirmer ces doutes."
            ),
            KitItem(
                "Ne recueillez que ce qui concerne le travail : rien sur la vie privée, la santé "
                "ou la situation familiale."
            ),
        ),
    )


def _preset_sections(preset: Preset, stage_code: str) -> list[KitSection]:
    sections: list[KitSection] = []
    if preset.agenda and preset.agenda_stage == stage_code:
        sections.append(
            KitSection(
                title=f"Variante du guide {preset.label} : "
                f"{_minutes_text(preset.agenda_minutes)} en tout",
                items=tuple(
                    KitItem(heading=_minutes_text(item.minutes), text=item.label)
                    for item in preset.agenda
                ),
            )
        )
    notes = tuple(KitItem(n.text) for n in preset.notes if n.stage == stage_code)
    if notes:
        sections.append(KitSection(title=f"Conseils du guide {preset.label}", items=notes))
    for theme in preset.themes:
        if theme.stage == stage_code:
            sections.append(
                KitSection(
                    title=f"Thème de questions : {theme.label}",
                    items=tuple(KitItem(q) for q in theme.questions),
                )
            )
    if stage_code == WORK_SAMPLE and preset.live_case is not None:
        case = preset.live_case
        sections.append(
            KitSection(
                title=f"Exemple de cas pour un profil {preset.label}",
                intro="Adaptez ce cas à votre produit et à la séniorité attendue avant de "
                f"l'utiliser. Contexte : {case.context}",
                items=tuple(KitItem(heading="Consigne", text=t) for t in case.instructions)
                + tuple(KitItem(heading="À creuser", text=t) for t in case.probes),
            )
        )
    return sections


def _rating_intro(scored: bool) -> str:
    if not scored:
        return (
            "Pas de note à cette étape : chaque membre de l'équipe rédige seul un avis "
            "consultatif, sans oui ni non, en décrivant les faits observés."
        )
    return (
        "Notez chaque critère seul, juste après l'entretien et avant toute discussion. Une note "
        "sans preuve écrite n'est pas une note : décrivez ce que la personne a dit ou fait."
    )


def _rating_scale(scored: bool) -> tuple[str, ...]:
    if not scored:
        return ()
    return (
        *(RATING_ANCHORS[level] for level in sorted(RATING_ANCHORS)),
        f"{NOT_RATED} — le sujet n'a pas été abordé : ce n'est jamais compté comme un zéro.",
    )


def _closing(stage_code: str) -> tuple[str, ...]:
    if stage_code == REFERENCES:
        opening: tuple[str, ...] = ("Remerciez la personne de référence pour son temps.",)
    else:
        opening = (
            "Remerciez la personne pour l'échange.",
            "Annoncez clairement la suite : on continue ou on s'arrête, et quand elle aura une "
            "réponse. Chaque personne candidate reçoit une réponse.",
        )
    independent = (
        "Pas de débrief à chaud : chaque membre de l'équipe écrit son avis seul avant d'en parler."
        if stage_code == CULTURE
        else "Pas de débrief à chaud : chaque personne note seule, avec ses preuves, avant "
        "toute discussion."
    )
    return (
        *opening,
        independent,
        "Rédigez le compte rendu sur la page de la personne candidate dans Welcome to the Jungle "
        "(WTTJ), puis saisissez vos notes dans l'application.",
    )


def _meta(kit: Kit) -> Inline:
    parts: list[str | Span] = [bold("Recrutement :"), " " + kit.recruitment_title]
    if kit.role:
        parts += ["\n", bold("Poste :"), " " + kit.role]
    if kit.team:
        parts += ["\n", bold("Équipe :"), " " + kit.team]
    parts += ["\n", bold("Étape :"), f" {kit.stage_label} · ", bold("Durée :"), " " + kit.duration]
    parts += ["\n", "Étape notée" if kit.scored else "Étape consultative, sans note"]
    return inline(*parts)


def _item(item: KitItem) -> Inline:
    parts: list[str | Span] = [bold(item.heading), " — "] if item.heading else []
    parts.append(item.text)
    if item.detail:
        parts += ["\n", item.detail]
    return inline(*parts)


def _criterion_card(index: int, criterion: KitCriterion, scored: bool) -> Box:
    flags: list[str | Span] = [bold("Obligatoire"), " · "] if criterion.must_have else []
    flags.append(f"Pondération : {criterion.weight_label}")
    if criterion.category:
        flags.append(f" · Catégorie : {criterion.category}")
    blocks: list[Block] = [Heading(3, f"{index}. {criterion.label}"), Paragraph(inline(*flags))]
    if criterion.statement:
        blocks.append(Quote(inline(criterion.statement)))
    if criterion.questions:
        label = "Questions :" if len(criterion.questions) > 1 else "Question :"
        blocks += [
            Paragraph(inline(bold(label))),
            NumberedList(tuple(inline(q) for q in criterion.questions)),
        ]
    if scored:
        levels = tuple(inline(str(level)) for level in sorted(RATING_ANCHORS))
        blocks += [
            Checklist((*levels, inline(NOT_RATED)), label=inline(bold("Note :")), horizontal=True),
            NotesArea("Preuves observées :", lines=5),
        ]
    else:
        blocks.append(NotesArea("Faits et signaux observés :", lines=5))
    return Box(tuple(blocks), kind="card")


def _action(statement: str) -> str | None:
    match = _CAPABLE.match(" ".join((statement or "").split()))
    if not match:
        return None
    action = _REPEATED_DE.sub(r"\1 ", match.group(1).rstrip(" ."))
    return action or None


def _sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _slug(text: str) -> str:
    """Accents dropped, any other character (·, —, spaces, emoji) becomes a hyphen."""
    folded = (text or "").lower().replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", bare).strip("-")


def _minutes_text(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _date_fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _days_fr(days: float) -> str:
    text = f"{days:g}".replace(".", ",")
    return f"{text} jour" if days <= 1 else f"{text} jours"


def _euros(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0€"
