"""Candidates: add and correct a person (logistics, consents), stage decisions and the final
choice, the written report, and the right of erasure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from selection.analysis.logistics import logistics_flags
from selection.analysis.people import candidate_overview
from selection.analysis.progress import candidate_status
from selection.analysis.scoring import compare
from selection.analysis.signals import candidate_signals
from selection.documents.reports import candidate_report_markdown
from selection.domain.formatting import de
from selection.domain.ids import new_id
from selection.domain.labels import DECISIONS
from selection.domain.model import Candidate, RecruitmentSnapshot, StageDecision, ValidationError
from selection.domain.permissions import Action
from selection.domain.stages import REFERENCES, STAGE_BY_CODE, stage_index
from selection.services.access import Actor, Refused
from selection.services.app import App
from selection.services.common import NOTHING_CHANGED, audit, begin, begin_for_candidate, conflict
from selection.services.reading import RecruitmentView


def add(app: App, actor: Actor, recruitment_id: str, *, name: str, email="", source="") -> str:
    cand = Candidate(
        id=new_id(), recruitment_id=recruitment_id, name=name, email=email, source=source
    ).validated()
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.EDIT_CANDIDATES, recruitment_id)
        tx.insert_candidates([cand], by=actor.label)
        audit(tx, actor, "ajout_candidature", recruitment_id, f"personne {cand.id}")
    return cand.id


def update(app: App, actor: Actor, base: Candidate, **changes) -> Candidate:
    """Correct a person's record (name, contact, logistics, consents) from the version the page
    showed (``base``); refused if someone saved it in between."""
    wanted = replace(base, **changes).validated()
    with app.store.transaction() as tx:
        begin(tx, app, actor, Action.EDIT_CANDIDATES, base.recruitment_id)
        current = tx.candidate(base.id)
        if current is None or current.recruitment_id != base.recruitment_id:
            raise ValidationError(f"Personne candidate introuvable. {NOTHING_CHANGED}")
        if not tx.update_candidate(wanted, expected_version=base.version, by=actor.label):
            raise conflict(f"La fiche {de(current.name)}", current.updated_by, current.updated_at)
        audit(tx, actor, "fiche_modifiee", base.recruitment_id, f"personne {base.id}")
    return wanted


def last_decision_id(view: RecruitmentView, candidate_id: str, stage: str) -> str | None:
    """The latest decision recorded for a person at a stage (what a decision form started from)."""
    found = _latest(view.snapshot.decisions, candidate_id, stage)
    return found.id if found else None


def decision_summary(view: RecruitmentView, candidate_id: str, stage: str) -> str | None:
    """The decision already recorded for a person at a stage, in one French sentence (shown
    above the form, which starts empty so that nobody records a decision by mistake)."""
    found = _latest(view.snapshot.decisions, candidate_id, stage)
    if found is None:
        return None
    when = f" le {found.decided_at:%d/%m/%Y}" if found.decided_at else ""
    reason = f" : « {found.reason.strip()} »" if found.reason.strip() else ""
    return (
        f"Décision enregistrée à cette étape : {DECISIONS.get(found.decision, found.decision)}, "
        f"par {found.decided_by}{when}{reason}. Une nouvelle décision la remplace."
    )


def final_choice_caveats(view: RecruitmentView, candidate_id: str) -> list[str]:
    """What a final choice for this person would skip, said above the decision form (the
    choice stays possible: the rule that blocks it is ``check_final_choice``)."""
    person = view.candidate_by_id[candidate_id]
    if view.status_by_id.loc[candidate_id, "statut"] == "retenu":
        return []
    out = []
    references = stage_index(REFERENCES)
    if view.recruitment.references_required and view.stage_index(candidate_id) < references:
        out.append(
            f"{person.name} n'a pas encore passé la prise de références, demandée dans le "
            "cadrage : un choix final maintenant se passerait de cette étape."
        )
        if person.references_agreed is not True:
            state = "refusé" if person.references_agreed is False else "pas encore enregistré"
            out.append(
                f"Son accord pour la prise de références est {state} (fiche de la personne)."
            )
    return out


def _latest(decisions, candidate_id: str, stage: str) -> StageDecision | None:
    mine = [d for d in decisions if d.candidate_id == candidate_id and d.stage == stage]
    return max(mine, key=lambda d: (d.decided_at is not None, d.decided_at), default=None)


def decide(
    app: App,
    actor: Actor,
    candidate_id: str,
    *,
    stage: str,
    decision: str,
    reason: str,
    base_decision_id: str | None,
) -> StageDecision:
    """Record a stage decision (continue, stop, wait) or the final choice (« retenu »).

    Every rule is checked on the recruitment re-read inside the write transaction: the right
    (stage decisions and the final choice belong to the person responsible), a decision recorded
    at this stage by someone else since the form was shown, at most one person retained, and
    never a person whose must-have criterion failed.
    """
    with app.store.transaction() as tx:
        action = Action.FINAL_CHOICE if decision == "retenu" else Action.STAGE_DECISION
        rid, _ = begin_for_candidate(tx, app, actor, action, candidate_id)
        record = StageDecision(
            id=new_id(),
            candidate_id=candidate_id,
            stage=stage,
            decision=decision,
            decided_by=actor.label,
            reason=reason,
        ).validated()
        full = tx.snapshot(rid)
        latest = _latest(full.decisions, candidate_id, stage)
        if (latest.id if latest else None) != base_decision_id:
            stage_label = STAGE_BY_CODE[stage].label
            raise conflict(
                f"La décision à l'étape « {stage_label} » "
                f"({DECISIONS.get(latest.decision, latest.decision).lower()})",
                latest.decided_by,
                latest.decided_at,
            )
        if decision == "retenu":
            check_final_choice(full, candidate_id)
        tx.insert_decision(record)
        if decision == "retenu":
            # By id: the log must not keep names after an erasure.
            audit(tx, actor, "choix_final", rid, f"personne {candidate_id}", record.reason)
        else:
            audit(tx, actor, "decision_etape", rid, f"personne {candidate_id}", decision)
    return record


def check_final_choice(full: RecruitmentSnapshot, candidate_id: str) -> None:
    """At most one person retained, and never one whose must-have criterion failed (computed on
    every submitted rating, whoever asks)."""
    names = {c.id: c.name for c in full.candidates}
    if full.criteria:
        # The final choice ends the process: a must-have still « à confirmer » would never be
        # confirmed, so only validated must-haves let a person be retained (PRODUCT.md §4).
        state = compare(full).table.set_index("candidate_id").loc[candidate_id, "obligatoires"]
        if state == "bloquant":
            raise Refused(
                f"{names[candidate_id]} ne peut pas être retenu·e : un critère obligatoire n'est "
                f"pas validé. {NOTHING_CHANGED}"
            )
        if state == "a_confirmer":
            raise Refused(
                f"{names[candidate_id]} ne peut pas encore être retenu·e : un critère obligatoire "
                "reste à confirmer (une étape qui le vérifie n'a pas eu lieu). Notez-le d'abord. "
                + NOTHING_CHANGED
            )
    submitted = replace(full, evaluations=[e for e in full.evaluations if e.status == "soumis"])
    status = candidate_status(submitted).set_index("candidate_id")["statut"]
    others = [cid for cid, value in status.items() if value == "retenu" and cid != candidate_id]
    if others:
        raise Refused(
            f"Le choix final est déjà enregistré pour {', '.join(names[i] for i in others)}. "
            + NOTHING_CHANGED
        )


def erase(app: App, actor: Actor, candidate_id: str, *, typed_name: str, reason: str) -> None:
    """Right of erasure: the person and everything written about them, then the database's own
    traces of the deleted rows (``Store.after_erasure``). The journal keeps the id, never the
    name; a name quoted in the journal's free text is replaced."""
    with app.store.transaction() as tx:
        rid, _ = begin_for_candidate(tx, app, actor, Action.ERASE, candidate_id)
        person = tx.candidate(candidate_id)
        if person is None or typed_name.strip() != person.name:
            raise ValidationError(
                f"Tapez exactement le nom de la personne pour confirmer. {NOTHING_CHANGED}"
            )
        tx.delete_candidates([candidate_id])
        for text in (person.name, person.email):
            tx.scrub_audit(rid, text, "[personne effacée]")
        audit(tx, actor, "effacement", rid, f"personne {candidate_id}", reason)
    app.store.after_erasure()


def report_markdown(view: RecruitmentView, candidate_id: str, on: date | None = None) -> str:
    """The written report for the candidate's page (WTTJ), from what this viewer may see."""
    if candidate_id not in view.candidate_by_id:
        raise ValidationError("Personne candidate introuvable.")
    return candidate_report_markdown(view.snapshot, candidate_id, on=on)


def overview(view: RecruitmentView):
    """One line per person: where they are, status, last decision, warning signs."""
    return candidate_overview(view.snapshot, view.status, candidate_signals(view.snapshot))


def logistics(view: RecruitmentView, candidate_id: str) -> list:
    """Conflicts between a person's pre-qualification answers and the mission's constraints."""
    return logistics_flags(view.recruitment, view.candidate_by_id[candidate_id])


def panel_of(view: RecruitmentView, candidate_id: str, stage: str) -> list:
    return [a for a in view.snapshot.panel if a.candidate_id == candidate_id and a.stage == stage]


def assignable_people(view: RecruitmentView) -> list[tuple[str, str]]:
    """(identity key, name) of the people who can be put on a panel: the members with login;
    without login, everyone who already signed something, and the person responsible."""
    if view.config.login:
        return [(m["email"], m["email"]) for m in view.members]
    names = {e.rater.split(" (réf.")[0] for e in view.snapshot.evaluations}
    names |= {a.member_key for a in view.snapshot.panel}
    names |= {n.author_label for n in view.snapshot.culture_notes}
    if view.recruitment.owner:
        names.add(view.recruitment.owner)
    return [(n, n) for n in sorted(names, key=str.casefold) if n]
