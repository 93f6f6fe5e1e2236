"""Emails and pushes in the recipient's language (docs/i18n.md), through the real peers: aiosmtpd
and the push receiver that decrypts Web Push. The scheduler makes them outside any request.

The Spanish here is what the catalogue says (diary/translations/es); dates are checked against
month names written out below, not against Babel's own output.
"""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from diary.accounts.models import User
from diary.db_types import utcnow
from diary.extensions import db
from tests.conftest import login
from tests.support.api_client import ApiClient

from .conftest import DAY
from .test_provider_alerts import raise_flag

MESES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
HEALTH = ("GAD", "score", "anxiety", "ansiedad", "puntaje", "Pat Doe", "wearing", "urgent", "17")


def parts(mail):
    """The plain text and the HTML of an email."""
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def set_user(app, user_id, **values):
    with app.app_context():
        user = db.session.get(User, uuid.UUID(user_id))
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def test_a_spanish_patient_is_reminded_in_spanish_and_an_english_one_in_english_in_one_pass(clinic):
    pat_es = clinic.patient(at=f"{DAY}T08:00:00+01:00", language="es")
    pat_en = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    assert (pat_es.user["language"], pat_en.user["language"]) == ("es", "en")

    lines = clinic.tick(f"{DAY}T20:00:00+01:00")
    assert lines["delivery"].startswith("2 sent")

    [spanish] = clinic.mails_to(pat_es)
    assert spanish["Subject"] == "Es momento de su registro diario"
    assert spanish["Content-Language"] == "es"
    text, html = parts(spanish)
    assert "Le tomará alrededor de un minuto. Abra Afterglow cuando le resulte cómodo." in text
    assert "Puede cambiar la hora de este recordatorio, o desactivarlo, en Ajustes." in text
    assert '<html lang="es">' in html and ">Abrir Afterglow</a>" in html
    assert "check-in" not in text + html

    [english] = clinic.mails_to(pat_en)
    assert english["Subject"] == "Time for your daily check-in"
    assert english["Content-Language"] == "en"
    text, html = parts(english)
    assert "It takes about a minute. Open Afterglow when it suits you." in text
    assert '<html lang="en">' in html and ">Open Afterglow</a>" in html
    for mail in (spanish, english):
        for private in HEALTH:
            assert private not in mail["Subject"] + "".join(parts(mail))


def test_a_patient_who_switches_to_spanish_is_reminded_in_spanish(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00")
    assert pat.patch("/api/v1/me", json={"language": "es"}).status_code == 200
    clinic.tick(f"{DAY}T20:00:00+01:00")
    [mail] = clinic.mails_to(pat)
    assert mail["Subject"] == "Es momento de su registro diario"


def test_a_spanish_patients_push_is_in_spanish(clinic):
    pat = clinic.patient(at=f"{DAY}T08:00:00+01:00", language="es")
    subscription = clinic.subscribe(pat)

    assert clinic.tick(f"{DAY}T20:00:00+01:00")["delivery"].startswith("1 sent")
    [push] = clinic.push.received(subscription)
    assert push.json() == {
        "title": "Afterglow",
        "body": "Es momento de su registro diario",
        "url": "http://127.0.0.1:5000/",
        "lang": "es",  # the notification's language, for a screen reader
    }
    assert push.topic == "daily-check-in"
    assert clinic.mails_to(pat) == []


def test_an_invite_in_spanish_is_emailed_in_spanish_with_a_spanish_expiry(
    app, provider, provider_client, smtp_server
):
    from tests.notifications.conftest import Clinic

    set_user(app, provider["id"], timezone="America/Bogota")  # the inviter's clock: no DST, UTC-5
    invite = provider_client.post(
        "/api/v1/invites", json={"email": "ana@mail.test", "language": "es"}
    ).get_json()
    english = provider_client.post("/api/v1/invites", json={"email": "ann@mail.test"}).get_json()
    Clinic(app, None, smtp_server).tick(utcnow())
    smtp_server.wait_for(2)

    [mail] = smtp_server.to("ana@mail.test")
    assert mail["Subject"] == "Su invitación a Afterglow"
    assert mail["Content-Language"] == "es"
    text, html = parts(mail)
    assert "Recibió una invitación para crear una cuenta en Afterglow." in text
    assert f"escriba el código de invitación {invite['code']} en la página de registro." in text
    until = invite_expiry(invite)
    expected = (
        f"hasta el {until.day} de {MESES[until.month - 1]} de {until.year}, "
        f"{until.hour}:{until.minute:02d} (hora estándar de Colombia)."
    )
    assert expected in text, text
    assert '<html lang="es">' in html and ">Crear su cuenta</a>" in html

    [mail] = smtp_server.to("ann@mail.test")  # no language given: English, the inviter's clock too
    assert mail["Subject"] == "Your invitation to Afterglow"
    until = invite_expiry(english)
    assert f"until {until:%B} {until.day}, {until.year}, " in parts(mail)[0]
    assert "(Colombia Standard Time)." in parts(mail)[0]


def invite_expiry(invite):
    return datetime.fromisoformat(invite["expires_at"].replace("Z", "+00:00")).astimezone(
        ZoneInfo("America/Bogota")
    )


def test_a_password_reset_for_a_spanish_account_is_in_spanish(app, make_patient, smtp_server):
    from tests.notifications.conftest import Clinic

    pat = make_patient(language="es")
    response = ApiClient(app.test_client()).post(
        "/api/v1/auth/password-reset", json={"email": pat.user["email"]}
    )
    assert response.status_code == 202
    Clinic(app, None, smtp_server).tick(utcnow())
    smtp_server.wait_for(1)

    [mail] = smtp_server.to(pat.user["email"])
    assert mail["Subject"] == "Restablezca su contraseña de Afterglow"
    assert mail["Content-Language"] == "es"
    text, html = parts(mail)
    assert "Alguien pidió restablecer la contraseña de su cuenta de Afterglow." in text
    assert "El enlace puede usarse una sola vez, durante 60 minutos." in text
    assert "/#/reset?token=" in text
    assert '<html lang="es">' in html and ">Elegir una contraseña nueva</a>" in html


def test_provider_alerts_go_out_in_each_providers_language(clinic, app, make_provider):
    spanish = make_provider(team_name="Clínica Puerto")
    english = make_provider(team_name="Clínica Puerto")
    assert login(app, spanish["email"]).patch("/api/v1/me", json={"language": "es"}).status_code == 200
    first, second = (clinic.make_patient(spanish, name=name) for name in ("Robin Example", "Sam Example"))
    raise_flag(app, first, "wearing_off")
    raise_flag(app, second, "urgent")

    clinic.tick(f"{DAY}T10:05:00Z")
    [mail] = clinic.smtp.to(spanish["email"])
    assert mail["Subject"] == "2 pacientes necesitan su atención"
    assert mail["Content-Language"] == "es"
    text, html = parts(mail)
    assert "Abra su lista de pacientes en Afterglow para ver de quién se trata." in text
    assert '<html lang="es">' in html and ">Abrir la lista de pacientes</a>" in html
    [mail] = clinic.smtp.to(english["email"])
    assert mail["Subject"] == "2 patients need your attention"
    assert mail["Content-Language"] == "en"
    for who in (spanish, english):
        [mail] = clinic.smtp.to(who["email"])
        for private in ("Robin", "Sam", "Example", *HEALTH):
            assert private not in mail["Subject"] + "".join(parts(mail))


def test_spanish_texts_carry_no_health_data_either(app):
    from diary import i18n
    from diary.notifications import messages

    with app.app_context(), i18n.for_language("es"):
        made = [
            messages.reminder_message("https://x.example"),
            messages.provider_alert_message(3, "https://x.example"),
            messages.invite_message("https://x.example/#/join?code=AB", "AB", utcnow(), "UTC"),
            messages.password_reset_message("https://x.example/#/reset?token=t", 60),
        ]
    for message in made:
        assert message.language == "es"
        assert set(message.push) == {"title", "body", "url", "lang"}
        blob = " ".join([message.subject, message.text, message.html, *message.push.values()]).lower()
        for word in ("gad", "ansiedad", "puntaje", "ketamina", "grave", "urgente", "alerta", "clínica"):
            assert word not in blob, (word, message.subject)
