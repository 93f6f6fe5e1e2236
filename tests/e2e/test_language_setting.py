"""A patient's language, in Chromium (docs/i18n.md): chosen in Settings, it turns
the screen at once, stays after a reload and is kept by the server; before login the
browser's language is shown.
"""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.support import PHONE, expect, log_in, screenshot

pytestmark = pytest.mark.e2e


def test_the_patient_switches_to_spanish_in_settings(new_context, make_patient):
    patient = make_patient(name="Robin Example")
    page = new_context(PHONE, locale="en-US").new_page()
    log_in(page, patient.user["email"], PASSWORD)
    expect(page.get_by_role("button", name="Save check-in")).to_be_visible()
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    choice = page.get_by_role("group", name="Language")
    expect(choice.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    choice.get_by_role("button", name="Español").click()

    # At once: the same screen, drawn again in Spanish, without a reload.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajustes")
    chosen = page.get_by_role("group", name="Idioma")
    expect(chosen.get_by_role("button", name="Español")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("heading", name="Recordatorios", level=2, exact=True)).to_be_visible()
    assert patient.get("/api/v1/me/settings").get_json()["language"] == "es"
    screenshot(page, "language-settings-es-390")

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajustes")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/#/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("Historial")

    # And back: English names itself, whatever the page is in.
    page.goto("/#/settings")
    page.get_by_role("group", name="Idioma").get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert patient.get("/api/v1/me/settings").get_json()["language"] == "en"


def test_before_login_the_browser_language_is_shown(new_context):
    page = new_context(PHONE, locale="es-MX").new_page()
    page.goto("/#/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("textbox", name="Correo electrónico")).to_be_visible()
    page.get_by_role("link", name="Cree su cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cree su cuenta")
    expect(page.get_by_role("textbox", name="Código de invitación")).to_be_visible()
