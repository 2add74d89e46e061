"""Interview kits of a recruitment, built from its brief (read side)."""

from __future__ import annotations

from selection.documents.kits import build_kit, kit_filename, kit_html, kit_markdown
from selection.services.brief import preset_key_for
from selection.services.reading import RecruitmentView


def kit(view: RecruitmentView, stage: str):
    rec = view.recruitment
    return build_kit(rec, view.snapshot.criteria, stage, preset_key=preset_key_for(rec.role))


def markdown(found) -> str:
    return kit_markdown(found)


def files(view: RecruitmentView, found, stage: str) -> list[tuple[str, str, str, str]]:
    rec = view.recruitment
    return [
        (
            "Télécharger le kit (Markdown)",
            kit_markdown(found),
            kit_filename(rec, stage, "md"),
            "text/markdown",
        ),
        (
            "Télécharger le kit à imprimer (HTML)",
            kit_html(found),
            kit_filename(rec, stage, "html"),
            "text/html",
        ),
    ]
