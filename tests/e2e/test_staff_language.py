"""Staff choose their own language in Account (docs/i18n.md): the choice shows at once, stays
after a reload and on the server, and the staff screens read in Spanish on a desk and a phone."""

import pytest

from diary.accounts.models import ClinicSettings
from diary.extensions import db
from tests.e2e.support import PHONE, axe_check, expect, log_in, screenshot, seed_wearing_off

pytestmark = pytest.mark.e2e
DESK = {"viewport": {"width": 1366, "height": 900}}


def fits(page, width):
    return page.evaluate("w => document.scrollingElement.scrollWidth <= w", width)


@pytest.fixture
def clinic(app, make_provider, make_patient):
    app.config["BACKFILL_DAYS"] = 30
    provider = make_provider(name="Dr. Ada Hale", admin=True)
    with app.app_context():  # an administrator: two-step sign-in made optional, as in test_admin
        db.session.get(ClinicSettings, 1).mfa_required = False
        db.session.commit()
        db.session.remove()
    seed_wearing_off(app, make_patient(provider, name="Lee Worn-Out Longname-Hyphenated"))
    make_patient(provider, name="Cal Calm")
    return provider


def choose(page, language, label):
    """Picks a language in Account, whose choice is called ``label`` in the language shown."""
    page.locator('a[href="#/account"]').click()
    page.get_by_role("combobox", name=label).select_option(language)


def test_a_provider_chooses_spanish_in_account_and_keeps_it(clinic, new_context):
    page = new_context(DESK, bypass_csp=True, reduced_motion="reduce").new_page()
    log_in(page, clinic["email"], clinic["password"])
    expect(page.get_by_role("table", name="Patients")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    choose(page, "es", "Language")
    # At once, without a reload: the account screen is drawn again in Spanish.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Cuenta", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="Idioma")).to_have_value("es")
    page.locator('a[href="#/patients"]').click()
    expect(page.get_by_role("heading", name="Lista de trabajo", level=1)).to_be_visible()
    table = page.get_by_role("table", name="Pacientes")
    expect(table).to_contain_text("Efecto en descenso")
    expect(page.get_by_role("button", name="Invitar paciente")).to_be_visible()

    # The server keeps it: after a reload the session says Spanish, and so does the screen.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("table", name="Pacientes")).to_be_visible()
    session = page.request.get("/api/v1/auth/session").json()
    assert session["user"]["language"] == "es"

    for width in (1366, 390):
        if width == 390:  # a phone, logged in afresh: the language comes from the server
            page = new_context(PHONE, bypass_csp=True, reduced_motion="reduce").new_page()
            log_in(page, clinic["email"], clinic["password"])
        for path, heading in (
            ("#/patients", "Lista de trabajo"),
            ("#/outcomes", "Resultados"),
            ("#/account", "Cuenta"),
            ("#/admin", "Administración"),
        ):
            page.goto(f"/{path}")
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            assert fits(page, width), f"{path} scrolls sideways at {width} px"
            screenshot(page, f"staff-es{path[1:].replace('/', '-')}-{width}")
        axe_check(page, f"staff-es-admin-{width}")

    # And back: English at once, for whoever chooses it.
    choose(page, "en", "Idioma")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Account", level=1)).to_be_visible()
    assert page.request.get("/api/v1/auth/session").json()["user"]["language"] == "en"
