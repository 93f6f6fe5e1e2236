"""The server's error texts in the reader's language (docs/i18n.md): the envelope's `message`
and `fields` texts, ours and marshmallow's, in Spanish for a Spanish reader; `code` unchanged.

Each request is made twice, in English and in Spanish: the codes and the fields named must be
the same, and every text must differ (no English left in a Spanish answer)."""

import uuid

import marshmallow
import pytest
from flask_babel import force_locale
from marshmallow import fields as ma_fields
from marshmallow import validate

from diary import gad7, validation_texts
from diary.validation_texts import translate
from tests.conftest import PASSWORD

ENGLISH, SPANISH = {"Accept-Language": "en-US,en;q=0.9"}, {"Accept-Language": "es-MX,es;q=0.9"}


def both(request):
    """``request(headers)``'s error in English and in Spanish, after checking they agree on all
    but the words: same status, code and fields, and no text alike."""
    english, spanish = request(ENGLISH), request(SPANISH)
    assert english.status_code == spanish.status_code, (english.get_json(), spanish.get_json())
    en, es = english.get_json()["error"], spanish.get_json()["error"]
    assert en["code"] == es["code"]
    assert set(en.get("fields", {})) == set(es.get("fields", {}))
    assert es["message"] != en["message"], es
    for name, texts in es.get("fields", {}).items():
        assert len(texts) == len(en["fields"][name])
        for text, source in zip(texts, en["fields"][name], strict=True):
            assert text != source, f"{name}: {text!r} is still English"
    return en, es


def _registration(**changes):
    body = {
        "invite_code": "NOSUCHCODE",
        "email": f"pat-{uuid.uuid4().hex[:8]}@mail.test",
        "password": PASSWORD,
        "name": "Pat",
        "timezone": "America/Chicago",
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not None}


# Anonymous: the browser's language ------------------------------------------------------------


def test_401_unauthenticated(api):
    en, es = both(lambda headers: api.get("/api/v1/me/settings", headers=headers))
    assert es == {"code": "unauthenticated", "message": "Inicie sesión, por favor."}


def test_401_wrong_password(api, provider):
    body = {"email": provider["email"], "password": "not the password at all"}
    en, es = both(lambda headers: api.post("/api/v1/auth/login", json=body, headers=headers))
    assert en["message"] == "The email or password is not right."
    assert es == {
        "code": "invalid_credentials",
        "message": "El correo electrónico o la contraseña no son correctos.",
    }


def test_403_csrf_failed(api):
    body = {"email": "someone@mail.test", "password": PASSWORD}
    en, es = both(lambda headers: api.post("/api/v1/auth/login", json=body, headers=headers, csrf=False))
    assert es["code"] == "csrf_failed"
    assert es["message"] == (
        "Falta el token CSRF o no es correcto. Vuelva a cargar la página e inténtelo de nuevo."
    )


def test_404(api):
    en, es = both(lambda headers: api.get("/api/v1/nothing-here", headers=headers))
    assert es == {"code": "not_found", "message": "No se encontró."}


def test_422_weak_password_and_unusable_invite(api):
    """The service's texts: one with a value (the minimum length), translated where raised."""
    body = _registration(password="short")
    en, es = both(lambda headers: api.post("/api/v1/auth/register", json=body, headers=headers))
    assert en["fields"]["password"] == ["Use at least 12 characters."]
    assert es["code"] == "validation_error"
    assert es["message"] == "Algunos campos no son válidos."
    assert es["fields"]["password"] == ["Use al menos 12 caracteres."]
    assert es["fields"]["invite_code"][0].startswith("Este código de invitación no se puede usar.")


def test_422_common_password(api):
    body = _registration(password="password1234")
    en, es = both(lambda headers: api.post("/api/v1/auth/register", json=body, headers=headers))
    assert es["fields"]["password"] == ["Esta contraseña es demasiado común. Elija otra."]


def test_422_marshmallow_texts(api):
    """Missing, unknown, a bad email, too long: marshmallow's own texts, fixed and formatted."""
    body = _registration(timezone=None, email="not-an-email", name="x" * 201, extra=1)
    en, es = both(lambda headers: api.post("/api/v1/auth/register", json=body, headers=headers))
    assert en["fields"]["timezone"] == ["Missing data for required field."]
    assert es["fields"] == {
        "timezone": ["Falta este dato obligatorio."],
        "email": ["No es un correo electrónico válido."],
        "name": ["La longitud debe estar entre 1 y 200."],
        "extra": ["Campo desconocido."],
    }


def test_429_too_many_logins(api, provider):
    body = {"email": provider["email"], "password": "not the password at all"}
    for _ in range(5):
        assert api.post("/api/v1/auth/login", json=body).status_code == 401
    spanish = api.post("/api/v1/auth/login", json=body, headers=SPANISH)
    assert spanish.status_code == 429 and spanish.headers["Retry-After"]
    assert spanish.get_json()["error"] == {
        "code": "rate_limited",
        "message": "Demasiados intentos. Espere un momento y vuelva a intentarlo.",
    }


def test_429_too_many_reset_requests(api):
    body = {"email": "someone@mail.test"}
    for _ in range(5):
        assert api.post("/api/v1/auth/password-reset", json=body).status_code == 202
    spanish = api.post("/api/v1/auth/password-reset", json=body, headers=SPANISH)
    assert spanish.status_code == 429
    assert spanish.get_json()["error"] == {
        "code": "rate_limited",
        "message": "Hay demasiadas solicitudes para restablecer la contraseña. Espere antes de volver a pedirlo.",
    }


# A Spanish reader: their own language, whatever the browser says ---------------------------------


@pytest.fixture
def spanish_patient(patient):
    assert patient.patch("/api/v1/me", json={"language": "es"}).status_code == 200
    return patient


def _entry(**changes):
    return {"answers": [0, 1, 2, 3, 0, 1, 2], "note": "ok", **changes}


def test_a_spanish_users_language_wins_over_the_browser(spanish_patient):
    refused = spanish_patient.post(
        "/api/v1/patients/me/entries", json=_entry(difficulty=7, extra=True), headers=ENGLISH
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"] == {
        "code": "validation_error",
        "message": "Algunos campos no son válidos.",
        "fields": {
            "difficulty": ["Debe ser mayor o igual a 0 y menor o igual a 3."],
            "extra": ["Campo desconocido."],
        },
    }


def test_422_value_out_of_range_and_not_a_choice(spanish_patient):
    refused = spanish_patient.post(
        "/api/v1/patients/me/entries",
        json=_entry(side_effects=["nausea", "hiccups"], recorded_at="yesterday", safety="3"),
    )
    fields = refused.get_json()["error"]["fields"]
    assert fields["side_effects"] == [
        f"elemento 2: Debe ser uno de estos: {', '.join(gad7.SIDE_EFFECT_CODES)}."
    ]
    assert fields["recorded_at"] == ["No es una fecha y hora válida."]
    assert fields["safety"] == ["No es un número entero válido."]


def test_409_a_reused_id_with_other_content(spanish_patient):
    entry = _entry(id=str(uuid.uuid4()))
    assert spanish_patient.post("/api/v1/patients/me/entries", json=entry).status_code == 201
    conflict = spanish_patient.post("/api/v1/patients/me/entries", json={**entry, "note": "other"})
    assert conflict.status_code == 409
    assert conflict.get_json()["error"] == {
        "code": "conflict",
        "message": "Ya existe un registro con este id y otro contenido.",
    }


def test_403_and_the_care_teams_texts(spanish_patient):
    forbidden = spanish_patient.get("/api/v1/patients")
    assert forbidden.status_code == 403
    assert forbidden.get_json()["error"] == {
        "code": "forbidden",
        "message": "Su cuenta no puede hacer esto.",
    }
    session = {
        "status": "completed",
        "starts_at": "2026-01-01T10:00:00Z",
        "route": "iv",
        "heart_rate_before": 90,
    }
    refused = spanish_patient.post("/api/v1/patients/me/treatments", json=session)
    assert refused.get_json()["error"]["fields"] == {
        "heart_rate_before": ["Esto solo lo registra el equipo de atención, en la clínica."],
        "route": [
            "Una dosis que usted tomó por su cuenta es intranasal, oral, sublingual u otra; "
            "su equipo de atención registra las infusiones y las inyecciones."
        ],
    }


def test_a_measure_out_of_range_names_the_measure_and_its_range(provider_client, patient):
    assert provider_client.patch("/api/v1/me", json={"language": "es"}).status_code == 200
    pid = patient.user["id"]
    session = {
        "status": "planned",
        "starts_at": "2031-01-01T10:00:00Z",
        "route": "iv",
        "heart_rate_before": 900,
    }
    refused = provider_client.post(f"/api/v1/patients/{pid}/treatments", json=session)
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["fields"] == {
        "heart_rate_before": [
            "La frecuencia cardiaca antes de la dosis, en latidos por minuto, es un número entero de 20 a 250."
        ]
    }


def test_a_spanish_user_sees_english_again_after_switching_back(spanish_patient):
    assert spanish_patient.patch("/api/v1/me", json={"language": "en"}).status_code == 200
    refused = spanish_patient.post("/api/v1/patients/me/entries", json=_entry(difficulty=7), headers=SPANISH)
    assert refused.get_json()["error"]["fields"] == {
        "difficulty": ["Must be greater than or equal to 0 and less than or equal to 3."]
    }


# marshmallow's texts: every one known, each translated by its template -------------------------


class _Missing(dict):
    def __missing__(self, name):
        return f"%({name})s"


def _as_msgid(text, **words):
    """marshmallow's ``{name}`` as our ``%(name)s``, with the fixed words (obj_type) filled in."""
    return text.format_map(_Missing(words))


def _field_texts():
    classes, seen = [ma_fields.Field], []
    while classes:
        cls = classes.pop()
        seen.append(cls)
        classes.extend(sub for sub in cls.__subclasses__() if sub not in seen)
    for cls in seen:
        if not cls.__module__.startswith("marshmallow"):
            continue
        messages = {}  # as a field of the class has them: its own over its bases
        for base in reversed(cls.__mro__):
            messages.update(vars(base).get("default_error_messages", {}))
        for key, text in messages.items():
            if key == "format":  # a dump error: a server bug, never an answer to a request
                continue
            if key == "invalid_awareness" and not hasattr(cls, "AWARENESS"):
                continue
            words = {"obj_type": getattr(cls, "OBJ_TYPE", None), "awareness": getattr(cls, "AWARENESS", None)}
            yield _as_msgid(text, **{name: value for name, value in words.items() if value})


def _validator_texts():
    for cls in vars(validate).values():
        if not (isinstance(cls, type) and issubclass(cls, validate.Validator)) or cls is validate.Range:
            continue
        for name in (
            "default_message",
            "default_error_message",
            "message_min",
            "message_max",
            "message_all",
            "message_equal",
        ):
            if isinstance(getattr(cls, name, None), str):
                yield _as_msgid(getattr(cls, name))
    for min_inclusive in (True, False):
        for max_inclusive in (True, False):
            ranges = validate.Range(1, 2, min_inclusive=min_inclusive, max_inclusive=max_inclusive)
            yield from (
                _as_msgid(ranges.message_min),
                _as_msgid(ranges.message_max),
                _as_msgid(ranges.message_all),
            )


def test_every_marshmallow_text_is_marked():
    schema_texts = [_as_msgid(text) for text in marshmallow.Schema._default_error_messages.values()]
    said = {*_field_texts(), *_validator_texts(), *schema_texts}
    known = set(validation_texts.FIXED) | set(validation_texts.TEMPLATES)
    assert said - known == set(), "marshmallow has texts diary/validation_texts.py does not mark"
    assert known - said == set(), "diary/validation_texts.py marks texts marshmallow no longer has"


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("Must be greater than or equal to 1.", "Debe ser mayor o igual a 1."),
        ("Must be greater than 1.", "Debe ser mayor que 1."),
        (
            "Must be greater than or equal to 1 and less than or equal to 500.",
            "Debe ser mayor o igual a 1 y menor o igual a 500.",
        ),
        ("Shorter than minimum length 6.", "No alcanza la longitud mínima de 6."),
        ("Must be one of: daily, gad7.", "Debe ser uno de estos: daily, gad7."),
        ("Not a valid UUID.", "No es un UUID válido."),
        ("Debe ser uno de estos: daily, gad7.", "Debe ser uno de estos: daily, gad7."),  # translated already
        ("a text nobody marked", "a text nobody marked"),
    ],
)
def test_translate(app, english, spanish):
    with app.test_request_context(), force_locale("es"):
        assert translate(english) == spanish
    with app.test_request_context():
        assert translate(english) == english
