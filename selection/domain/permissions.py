"""Who may do what (PRODUCT.md §10): the one permission table, written once.

With login on, each recruitment has members with a role (« responsable », the intra who decides,
or « membre », an interviewer); administrators are named in configuration. Without login the app
is open: the name typed in the sidebar is the actor and every action is allowed, except the
final choice, which stays with the person named responsible in the brief (« à la fin c'est
toujours l'agent public qui tranche »). The services check this table inside every write
transaction; the README prints it (a test keeps both in step).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESPONSIBLE = "responsable"
    MEMBER = "membre"
    OUTSIDER = "non_membre"
    ADMIN = "administrateur"


class Action(StrEnum):
    READ = "lire"
    CREATE = "creer"
    EDIT_BRIEF = "modifier_cadrage"
    MANAGE_MEMBERS = "gerer_membres"
    ASSIGN_PANEL = "affecter_panel"
    CLOSE_REOPEN = "clore_rouvrir"
    EDIT_CANDIDATES = "modifier_candidatures"
    RATE = "evaluer"
    STAGE_DECISION = "decision_etape"
    FINAL_CHOICE = "choix_final"
    OPEN_DEBRIEF = "ouvrir_debrief"
    ACCESS_EXPORT = "droit_acces"
    ERASE = "effacer"
    PURGE = "purger"
    BACKUP = "sauvegarder"
    RESTORE = "restaurer"
    READ_AUDIT = "lire_journal"
    SETTINGS = "reglages"


R, M, A = Role.RESPONSIBLE, Role.MEMBER, Role.ADMIN

# action → roles allowed. « non_membre » is allowed nothing on a recruitment; creating one (or
# restoring a backup as a new one, which makes the restorer its only member) needs no role.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset({R, M, A}),
    Action.EDIT_BRIEF: frozenset({R}),
    Action.MANAGE_MEMBERS: frozenset({R}),
    Action.ASSIGN_PANEL: frozenset({R}),
    Action.CLOSE_REOPEN: frozenset({R}),
    Action.EDIT_CANDIDATES: frozenset({R, M}),
    Action.RATE: frozenset({R, M}),
    Action.STAGE_DECISION: frozenset({R}),
    Action.FINAL_CHOICE: frozenset({R}),
    Action.OPEN_DEBRIEF: frozenset({R}),
    Action.ACCESS_EXPORT: frozenset({R, A}),
    Action.ERASE: frozenset({R, A}),
    Action.PURGE: frozenset({R, A}),
    Action.BACKUP: frozenset({R, A}),
    Action.READ_AUDIT: frozenset({R, A}),
    Action.SETTINGS: frozenset({A}),
}
# Actions that are not about an existing recruitment: any signed-in person may take them.
UNSCOPED: frozenset[Action] = frozenset({Action.CREATE, Action.RESTORE})

# What each action covers, as the README and the refusals say it.
ACTION_LABELS: dict[Action, str] = {
    Action.READ: "voir le recrutement (dans la limite de la règle de l'aveugle)",
    Action.CREATE: "créer un recrutement ou dupliquer un cadrage (on en devient responsable)",
    Action.EDIT_BRIEF: (
        "modifier le cadrage, les pondérations, les questions et les contraintes de la mission ; "
        "enregistrer les pondérations de la réunion"
    ),
    Action.MANAGE_MEMBERS: "gérer les membres du recrutement",
    Action.ASSIGN_PANEL: "affecter les personnes qui font passer chaque entretien",
    Action.CLOSE_REOPEN: "clore ou rouvrir le recrutement",
    Action.EDIT_CANDIDATES: "ajouter ou corriger une candidature, sa logistique et ses consentements",
    Action.RATE: (
        "noter, écrire une observation d'adéquation, enregistrer un appel de référence (en son nom)"
    ),
    Action.STAGE_DECISION: "décider de la suite après une étape (continuer, arrêter)",
    Action.FINAL_CHOICE: "enregistrer le choix final, avec sa justification",
    Action.OPEN_DEBRIEF: "ouvrir la discussion d'une étape avant que tout le panel ait noté",
    Action.ACCESS_EXPORT: "exporter tout ce qui concerne une personne (droit d'accès)",
    Action.ERASE: "effacer une personne (droit à l'effacement)",
    Action.PURGE: "supprimer les données arrivées au terme de leur conservation",
    Action.BACKUP: "sauvegarder le recrutement",
    Action.RESTORE: (
        "restaurer une sauvegarde comme nouveau recrutement (on en devient la seule personne "
        "membre, responsable)"
    ),
    Action.READ_AUDIT: "lire le journal du recrutement",
    Action.SETTINGS: "régler les durées de conservation et les autres réglages généraux",
}

ROLE_LABELS: dict[Role, str] = {
    Role.RESPONSIBLE: "responsable (l'intra)",
    Role.MEMBER: "membre (évaluateur·rice)",
    Role.OUTSIDER: "non membre",
    Role.ADMIN: "administrateur·rice (nommé·e dans la configuration)",
}


def allowed(action: Action, roles: frozenset[Role] | set[Role]) -> bool:
    """True when one of the person's roles allows the action (an administrator who is also a
    member has the rights of both)."""
    if action in UNSCOPED:
        return True
    return bool(PERMISSIONS[action] & set(roles))


def refusal(action: Action) -> str:
    """The French sentence shown when the table refuses an action."""
    who = [ROLE_LABELS[r].split(" (")[0] for r in (R, M, A) if r in PERMISSIONS.get(action, ())]
    if who == ["administrateur·rice"]:
        holder = "une personne administratrice de l'application"
    elif who == ["responsable"]:
        holder = "la personne responsable du recrutement"
    elif set(who) == {"responsable", "administrateur·rice"}:
        holder = "la personne responsable du recrutement ou une personne administratrice"
    else:
        holder = "une personne membre du recrutement"
    return (
        f"Action refusée : seule {holder} peut {ACTION_LABELS[action].split(' (')[0]}. "
        "Rien n'a été modifié."
    )


def markdown_table() -> str:
    """The permission table as the README prints it (a test keeps the two identical)."""
    roles = (Role.RESPONSIBLE, Role.MEMBER, Role.OUTSIDER, Role.ADMIN)
    lines = [
        "| action | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action in Action:
        if action in UNSCOPED:
            marks = ["✔", "✔", "✔", "✔"]
        else:
            marks = ["✔" if r in PERMISSIONS[action] else "✘" for r in roles]
        lines.append(f"| {ACTION_LABELS[action]} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
