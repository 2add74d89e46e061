"""Workflow defects, checked where they showed: in the browser.

- The « Créer un recrutement » panel closes once the recruitment is created (its open state
  lives in the browser: only a tracked expander can be closed from the server).
- A row added to the brief grid shows empty cells, never « None », and is saved.
- A restored backup appears in the sidebar at once, chosen, without reloading the page.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DEMO_TITLE,
    RECORD_DRAWN_TEXT,
    BrowserPage,
    StreamlitServer,
    assert_no_exception,
    choose_recruitment,
    drawn_texts,
    forget_drawn_texts,
    form_with_button,
    go_to_page,
    grid_rows,
    open_app,
    open_expander,
    rerun,
    sign_in,
)

pytestmark = pytest.mark.e2e


SIDEBAR_CHOICE = "Recrutement"


def creation_panel(page: Page):
    return page.get_by_test_id("stExpander").filter(has_text="Créer un recrutement").first


def create(page: Page, title: str) -> None:
    go_to_page(page, "Cadrage")
    open_expander(page, "Créer un recrutement")
    form = form_with_button(page, "Créer le recrutement")
    form.get_by_role("textbox", name="Intitulé du poste").fill(title)
    with rerun(page):
        form.get_by_role("button", name="Créer le recrutement").click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    assert_no_exception(page)


def chosen_recruitment(page: Page) -> str:
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=SIDEBAR_CHOICE)
    return box.input_value()


def test_the_creation_panel_closes_once_the_recruitment_is_created(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    open_app(page, app_server.url)  # the demo is there: the panel starts closed
    sign_in(page, "Léa Responsable")
    create(page, "Premier recrutement créé")
    details = creation_panel(page).locator("details")
    expect(details).not_to_have_attribute("open", "")
    expect(form_with_button(page, "Créer le recrutement")).to_be_hidden()
    assert chosen_recruitment(page) == "Premier recrutement créé"

    # Opened again for a second one: it closes again.
    create(page, "Second recrutement créé")
    expect(creation_panel(page).locator("details")).not_to_have_attribute("open", "")
    assert chosen_recruitment(page) == "Second recrutement créé"
    browser_page.console.assert_clean()


def test_a_row_added_to_the_brief_grid_is_empty_then_saved(
    app_server: StreamlitServer, browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.context.add_init_script(RECORD_DRAWN_TEXT)
    open_app(page, app_server.url)
    sign_in(page, "Léa Responsable")
    create(page, "Cadrage avec une ligne ajoutée")
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("tbody tr").first).to_be_attached()
    before = len(grid_rows(grid))
    assert before, "the preset's criteria are in the grid"
    grid.hover()
    forget_drawn_texts(page)
    grid.get_by_role("button", name="Add row").click()
    expect(grid.locator("tbody tr")).to_have_count(before + 1)
    # The new row is drawn with its defaults (the level « moyenne ») and nothing reads « None ».
    expect(grid.locator("tbody tr").last).to_contain_text("moyenne")
    page.wait_for_function("() => window.__drawnTexts.length > 0")
    assert "None" not in drawn_texts(page), "the grid draws « None » in the new row"
    # The grid is drawn on a canvas: click a cell of its « Intitulé » column just under the
    # header, jump to the last row with the keyboard (the new one), open its editor and type.
    canvas = grid.get_by_test_id("data-grid-canvas").bounding_box()
    page.mouse.click(canvas["x"] + 90, canvas["y"] + 60)
    page.keyboard.press("Control+ArrowDown")
    new_cell = grid.locator(f"td#glide-cell-1-{before}")
    expect(new_cell).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input")
    editor.fill("Critère ajouté à la main")
    page.keyboard.press("Enter")
    expect(grid.locator("tbody td").filter(has_text="Critère ajouté à la main")).to_have_count(1)
    with rerun(page):
        page.get_by_role("button", name="Enregistrer les critères").click()
    assert_no_exception(page)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("tbody td").filter(has_text="Critère ajouté à la main")).to_have_count(1)
    saved = grid.locator("tbody tr").filter(has_text="Critère ajouté à la main")
    expect(saved).to_have_count(1)
    expect(saved.locator("td")).to_contain_text(["Critère ajouté à la main", "🟠 moyenne"])
    assert "None" not in drawn_texts(page), "the saved grid draws « None »"
    # Probed at no stage yet: the brief says so.
    expect(
        page.get_by_test_id("stAlert")
        .filter(has_text="Aucune étape n'aborde ces critères")
        .filter(has_text="Critère ajouté à la main")
    ).to_be_visible()
    browser_page.console.assert_clean()


def test_a_restored_backup_is_chosen_in_the_sidebar_at_once(
    app_server: StreamlitServer, browser_page: BrowserPage, tmp_path
) -> None:
    page = browser_page.page
    open_app(page, app_server.url)
    sign_in(page, "Léa Sauvegarde")
    create(page, "Recrutement sauvegardé")

    go_to_page(page, "Données")
    with page.expect_download() as info:
        page.get_by_role("button", name="Sauvegarder « Recrutement sauvegardé »").click()
    # Saved under its own name: the file picker only takes « .json » files.
    backup = tmp_path / info.value.suggested_filename
    info.value.save_as(backup)
    assert backup.suffix == ".json"

    # Renamed after the backup: the restored copy is told apart by its title.
    go_to_page(page, "Cadrage")
    page.get_by_role("tab", name="Recrutement").click()
    details = form_with_button(page, "Enregistrer")
    details.get_by_role("textbox", name="Intitulé du poste").fill("Recrutement renommé")
    with rerun(page):
        details.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Recrutement renommé", exact=True)).to_be_visible()

    go_to_page(page, "Données")
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Restaurer une sauvegarde")
    with rerun(page):
        uploader.locator("input[type=file]").set_input_files(str(backup))
    page.get_by_text("Importer comme copie", exact=False).click()
    with rerun(page):
        page.get_by_role("button", name="Importer la sauvegarde").click()
    assert_no_exception(page)
    expect(
        page.get_by_test_id("stSidebar").get_by_role("combobox", name=SIDEBAR_CHOICE)
    ).to_have_value("Recrutement sauvegardé (copie)")
    expect(
        page.get_by_role("button", name="Sauvegarder « Recrutement sauvegardé (copie) »")
    ).to_be_visible()
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name=SIDEBAR_CHOICE)
    box.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    assert {"Recrutement sauvegardé (copie)", "Recrutement renommé"} <= {o.strip() for o in options}
    browser_page.console.assert_clean()


def test_two_backups_in_a_row_both_arrive(
    app_server: StreamlitServer, browser_page: BrowserPage, tmp_path
) -> None:
    """Files are built when their button is clicked: two buttons clicked one right after the
    other, three times, give two complete files each time (a user once saw the second button
    spin for ever after another download; the buttons no longer rerun the page on click)."""
    page = browser_page.page
    open_app(page, app_server.url)
    choose_recruitment(page, DEMO_TITLE)
    sign_in(page, "Camille Martin")
    go_to_page(page, "Données")
    sizes = []
    one, every = f"Sauvegarder « {DEMO_TITLE} »", "Tout sauvegarder"
    for _ in range(3):
        # The second click comes at once, while the first one's file is still on its way.
        with (
            page.expect_download(predicate=lambda d: "-tout-" in d.suggested_filename) as both,
            page.expect_download(
                predicate=lambda d: "-tout-" not in d.suggested_filename
            ) as single,
        ):
            page.get_by_role("button", name=one).click()
            page.get_by_role("button", name=every).click()
        for info in (single, both):
            target = tmp_path / f"{len(sizes)}-{info.value.suggested_filename}"
            info.value.save_as(target)
            sizes.append(target.stat().st_size)
    assert all(size > 1000 for size in sizes), sizes
    assert_no_exception(page)
    browser_page.console.assert_clean()
