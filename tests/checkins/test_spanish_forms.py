"""The check-in in Spanish (docs/instruments.md, "Languages").

The validated texts below are quoted here from their source, not from diary/gad7_texts.py,
and compared with what the API serves a Spanish-speaking patient, item by item:

- the GAD-7 "Spanish for the USA" of the PHQ screeners (phqscreeners.com; developed by
  Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an
  educational grant from Pfizer Inc.): stem, items, answers;
- the PHQ-9 "Spanish for the USA" of the same screeners, same translation: item 9 (the
  safety question) and the difficulty question with its answers, which the GAD-7 form shares.

The difficulty question is served without the form's lead-in "Si marcó cualquiera de los
problemas," (the English form likewise drops "If you checked off any problems,"); the rest
of it is the source's, word for word.
"""

import pytest

from tests.checkins.test_checkins import post_entry

# GAD-7, Spanish for the USA (phqscreeners.com).
SOURCE_STEM = (
    "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los siguientes problemas?"
)
SOURCE_ITEMS = [
    "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    "No ha sido capaz de parar o controlar su preocupación",
    "Se ha preocupado demasiado por motivos diferentes",
    "Ha tenido dificultad para relajarse",
    "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
    "Se ha molestado o irritado fácilmente",
    "Ha tenido miedo de que algo terrible fuera a pasar",
]
SOURCE_ANSWERS = ["Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"]
# PHQ-9, Spanish for the USA (phqscreeners.com): the difficulty question and item 9.
SOURCE_DIFFICULTY = (
    "Si marcó cualquiera de los problemas, ¿qué tanta dificultad le han dado estos problemas para hacer "
    "su trabajo, encargarse de las tareas del hogar, o llevarse bien con otras personas?"
)
SOURCE_DIFFICULTY_ANSWERS = ["No ha sido difícil", "Un poco difícil", "Muy difícil", "Extremadamente difícil"]
SOURCE_SAFETY = "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"
LEAD_IN = "Si marcó cualquiera de los problemas, ¿"

# The app's own 24-hour adaptation: not a source text, and not validated.
DAILY_STEM = (
    "Durante las últimas 24 horas, ¿cuánto tiempo ha tenido molestias debido a los siguientes problemas?"
)
DAILY_ANSWERS = ["En ningún momento", "Parte del tiempo", "Más de la mitad del tiempo", "Casi todo el tiempo"]


def form(client, path="/api/v1/me/checkin-form"):
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def difficulty_as_served(question):
    """The served question with the source's lead-in put back (docstring above)."""
    assert question.startswith("¿Qué tanta dificultad")
    return LEAD_IN + question[1].lower() + question[2:]


@pytest.fixture
def paciente(make_patient, provider):
    return make_patient(provider, language="es")


def test_the_standard_gad7_in_spanish_is_the_source_text(paciente):
    served = form(paciente)
    assert (served["instrument"], served["language"], served["validated"]) == ("gad7", "es", True)
    assert served["stem"] == SOURCE_STEM
    assert len(served["items"]) == len(SOURCE_ITEMS)
    for number, (item, source) in enumerate(zip(served["items"], SOURCE_ITEMS, strict=True), 1):
        assert item == source, f"item {number}"
    assert served["answers"] == SOURCE_ANSWERS
    assert difficulty_as_served(served["difficulty"]["question"]) == SOURCE_DIFFICULTY
    assert served["difficulty"]["answers"] == SOURCE_DIFFICULTY_ANSWERS
    assert served["safety"]["question"] == SOURCE_SAFETY
    assert served["safety"]["answers"] == SOURCE_ANSWERS  # the PHQ-9's answers are the GAD-7's
    assert served["title"] == "GAD-7 (estándar, dos semanas)"


def test_the_daily_form_in_spanish_is_the_adaptation_labelled_not_validated(paciente):
    assert post_entry(paciente, instrument="gad7").status_code == 201  # the next one due is daily
    served = form(paciente)
    assert (served["instrument"], served["language"], served["validated"]) == ("daily", "es", False)
    assert "adaptación, no validada" in served["title"]
    # Only the frame and the answers differ from the validated form, as in English.
    assert served["stem"] == DAILY_STEM
    assert served["stem"].endswith(SOURCE_STEM.split("¿qué tan seguido ")[1])
    assert served["answers"] == DAILY_ANSWERS
    assert served["items"] == SOURCE_ITEMS
    assert difficulty_as_served(served["difficulty"]["question"]) == SOURCE_DIFFICULTY
    assert served["difficulty"]["answers"] == SOURCE_DIFFICULTY_ANSWERS
    assert served["safety"] is None


def test_the_words_around_the_form_are_spanish_too(paciente):
    served = form(paciente)
    assert [band["label"] for band in served["bands"]] == [
        "poca o ninguna ansiedad",
        "ansiedad leve",
        "ansiedad moderada",
        "mucha ansiedad",
    ]
    labels = {effect["code"]: effect["label"] for effect in served["side_effects"]}
    assert labels["nausea"] == "Náuseas" and labels["other"] == "Otra cosa"
    assert "no un diagnóstico" in served["guide"]
    assert served["support"]["crisis_message"].startswith("Gracias por decírnoslo.")
    assert served["support"]["crisis"] == "el número de emergencias de su zona"


def test_an_english_patient_still_reads_english(patient):
    served = form(patient)
    assert served["language"] == "en" and served["items"][0] == "Feeling nervous, anxious, or on edge"
    assert served["support"]["crisis"] == "your local emergency number"


def test_a_spanish_check_in_stores_numbers_and_its_language(paciente, provider_client):
    entry = post_entry(paciente, instrument="gad7", difficulty=2, safety=0).get_json()
    assert entry["language"] == "es" and entry["answers"] == [1, 2, 0, 3, 1, 1, 2]
    # The patient changes language; the check-in, edited or not, keeps the one it was answered in.
    assert paciente.patch("/api/v1/me", json={"language": "en"}).status_code == 200
    edited = paciente.patch(f"/api/v1/entries/{entry['id']}", json={"note": "Mejor hoy"})
    assert edited.status_code == 200 and edited.get_json()["language"] == "es"
    assert post_entry(paciente, instrument="daily").get_json()["language"] == "en"

    # The (English) provider reads the answers in English, with the language they were given in.
    pid = paciente.user["id"]
    [stored, _] = provider_client.get(f"/api/v1/patients/{pid}/entries").get_json()["items"]
    assert stored["language"] == "es"
    texts = form(provider_client, "/api/v1/checkin-forms/gad7")
    assert texts["language"] == "en"
    assert texts["items"][0] == "Feeling nervous, anxious, or on edge"
    assert texts["answers"][stored["answers"][0]] == "Several days"


def test_a_spanish_provider_reads_an_english_patients_answers_in_spanish(patient, provider_client):
    entry = post_entry(patient, instrument="gad7").get_json()
    assert entry["language"] == "en"
    assert provider_client.patch("/api/v1/me", json={"language": "es"}).status_code == 200
    texts = form(provider_client, "/api/v1/checkin-forms/gad7")
    assert texts["language"] == "es" and texts["items"] == SOURCE_ITEMS
    assert texts["answers"][entry["answers"][3]] == "Casi todos los días"
    daily = form(provider_client, "/api/v1/checkin-forms/daily")
    assert (daily["language"], daily["answers"]) == ("es", DAILY_ANSWERS)


def test_the_crisis_line_in_the_patients_language(app, paciente, patient):
    app.config.update(
        CRISIS_LINE="988 (call or text)",
        CRISIS_LINE_ES="988 (llame o envíe un mensaje de texto)",
        CLINIC_CONTACT="+1 555 0100 (weekdays 8-18)",
        CLINIC_CONTACT_ES="+1 555 0100 (de lunes a viernes, de 8 a 18)",
    )
    spanish, english = form(paciente), form(patient)
    assert (
        spanish["support"]["crisis"]
        == spanish["safety"]["crisis"]["line"]
        == "988 (llame o envíe un mensaje de texto)"
    )
    assert spanish["support"]["clinic"] == "+1 555 0100 (de lunes a viernes, de 8 a 18)"
    assert english["support"]["crisis"] == english["safety"]["crisis"]["line"] == "988 (call or text)"
    assert english["support"]["clinic"] == "+1 555 0100 (weekdays 8-18)"
    crisis = post_entry(paciente, instrument="gad7", safety=2).get_json()["crisis"]
    assert crisis == {
        "message": spanish["support"]["crisis_message"],
        "line": "988 (llame o envíe un mensaje de texto)",
    }


def test_unset_spanish_settings_fall_back_to_the_english_ones(app, paciente):
    app.config.update(CRISIS_LINE="988 (call or text)", CLINIC_CONTACT="+1 555 0100")
    served = form(paciente)
    assert served["support"]["crisis"] == "988 (call or text)"
    assert served["support"]["clinic"] == "+1 555 0100"
