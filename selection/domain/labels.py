"""The one catalogue of French wording shared by pages, exports and reports."""

from __future__ import annotations

# Re-exported: pages write « 3 notes », « 2 000 », « 30 % » with them (they read wording here).
from selection.domain.formatting import counted as counted
from selection.domain.formatting import fr_number as fr_number
from selection.domain.formatting import fr_percent as fr_percent
from selection.domain.formatting import fr_trimmed as fr_trimmed

WEIGHT_LEVELS: dict[int, str] = {
    3: "🔴 maximale",
    2: "🟠 moyenne",
    1: "🟡 basse",
}

WEIGHT_LEVEL_SHORT: dict[int, str] = {3: "maximale", 2: "moyenne", 1: "basse"}

RATING_ANCHORS: dict[int, str] = {
    1: "1 — non démontré",
    2: "2 — partiellement démontré",
    3: "3 — démontré par des preuves concrètes",
}
NOT_RATED = "Non évalué"

RATING_HELP = (
    "1 : la compétence n'a pas été démontrée. 2 : elle l'a été en partie, sans preuve complète. "
    "3 : elle a été démontrée par une réalisation concrète et vérifiable. "
    "« Non évalué » quand le sujet n'a pas été abordé : ce n'est jamais compté comme un zéro."
)

DECISIONS: dict[str, str] = {
    "continuer": "Continuer",
    "arreter": "Arrêter",
    "en_attente": "En attente",
    "retenu": "Retenu·e (choix final)",
}

CANDIDATE_STATUS: dict[str, str] = {
    "actif": "En cours",
    "arrete": "Arrêté·e",
    "retenu": "Retenu·e",
}

RECRUITMENT_STATUS: dict[str, str] = {"ouvert": "Ouvert", "clos": "Clos"}

EVALUATION_STATUS: dict[str, str] = {"brouillon": "Brouillon", "soumis": "Soumis"}

SCORE_VIEWS: dict[str, str] = {
    "moyenne": "Moyenne pondérée (0–100 %)",
    "matrice": "Matrice de pondération (Σ poids × note)",
    "valides": "Somme des critères validés (guide)",
}

MUST_HAVE_STATUS: dict[str, str] = {
    "ok": "Critères obligatoires validés",
    "a_confirmer": "Critère obligatoire à confirmer (une étape qui l'évalue reste à passer)",
    "bloquant": "Critère obligatoire non validé : ne peut pas être retenu·e",
    "sans_objet": "Aucun critère obligatoire",
}

# Robustness of the lead under both uncertainties (selection.analysis.robustness.LeadStability)
LEAD_STABILITY: dict[str, str] = {
    "solide": "Solide, y compris avec les preuves manquantes",
    "solide_sur_preuves_disponibles": (
        "Solide sur les preuves disponibles, pourrait changer avec les preuves manquantes"
    ),
    "fragile": "Dépend des pondérations choisies",
}

RECOMMENDATIONS: dict[str, str] = {
    "oui": "Oui, sans réserve",
    "reserves": "Oui, avec des réserves",
    "non": "Non",
}

YES_NO_UNKNOWN: dict[bool | None, str] = {None: "Pas encore demandé", True: "Oui", False: "Non"}

CRITERION_PHRASE_PREFIX = "La personne est capable de"

# An example criterion per role preset (by its label), for the hint above the brief grid.
CRITERION_EXAMPLES: dict[str, str] = {
    "Coach": "accompagner une équipe produit dans l'adoption d'une démarche d'amélioration continue",
    "Développeur·se": "concevoir et maintenir un service web en production",
    "Product manager": "prioriser un backlog à partir de l'impact mesuré auprès des usagers",
    "Designer": "mener des entretiens usagers et en tirer des choix de conception",
    "Chargé·e de déploiement junior": (
        "animer un atelier de découverte du service avec des agents de terrain"
    ),
    "Chargé·e de déploiement senior": (
        "construire et piloter une stratégie de déploiement auprès de plusieurs administrations"
    ),
}
DEFAULT_CRITERION_EXAMPLE = "conduire un travail clé de la mission dans le contexte de l'équipe"


def criterion_phrase_hint(role: str = "") -> str:
    """How to phrase a criterion, with an example that fits the recruitment's role."""
    example = CRITERION_EXAMPLES.get((role or "").strip(), DEFAULT_CRITERION_EXAMPLE)
    return (
        "Formulez chaque critère ainsi : « La personne est capable de [verbe + objet + contexte] ». "
        f"Par exemple : « La personne est capable de {example} »."
    )


CRITERION_PHRASE_HINT = criterion_phrase_hint()

# What each journal entry records, as the journal shows it (the code stays in the database).
AUDIT_ACTIONS: dict[str, str] = {
    "affectation": "Affectation à un entretien",
    "ajout_candidature": "Ajout d'une candidature",
    "ajout_membre": "Ajout d'un membre",
    "cadrage_modifie": "Cadrage modifié",
    "choix_final": "Choix final",
    "cloture": "Clôture du recrutement",
    "connexion": "Connexion",
    "contraintes_modifiees": "Contraintes de la mission modifiées",
    "creation": "Création du recrutement",
    "decision_etape": "Décision d'étape",
    "desaffectation": "Retrait d'un entretien",
    "effacement": "Effacement (droit à l'effacement)",
    "export": "Téléchargement d'un fichier",
    "export_acces": "Export (droit d'accès)",
    "export_sauvegarde": "Sauvegarde téléchargée",
    "fiche_modifiee": "Fiche de candidature modifiée",
    "import_csv": "Import de tableur",
    "import_sauvegarde": "Restauration d'une sauvegarde",
    "ouverture_debrief": "Étape ouverte avant toutes les évaluations",
    "ponderations_modifiees": "Pondérations modifiées",
    "purge": "Suppression (durée de conservation écoulée)",
    "questions_modifiees": "Questions modifiées",
    "recrutement_modifie": "Recrutement modifié",
    "reglage_conservation": "Durées de conservation modifiées",
    "reouverture": "Réouverture du recrutement",
    "retrait_membre": "Retrait d'un membre",
    "sauvegarde": "Sauvegarde",
}
