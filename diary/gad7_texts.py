"""The instruments' wordings, in every language: the one home of these texts.

Pure: no Flask, no database. :mod:`diary.gad7` holds what does not depend on a
language (codes, scoring, bands' cut-offs) and builds the forms from the texts here;
the PWA reads them from the API, never from a copy. They are not in the gettext
catalogues (docs/i18n.md): a validated instrument's wording is quoted whole from its
source, not translated phrase by phrase. Where each text comes from, and what is
validated, is in docs/instruments.md, "Languages":

- English: the GAD-7 as published (Spitzer RL et al., Arch Intern Med
  2006;166:1092-7) and item 9 of the PHQ-9 (Kroenke K et al., J Gen Intern Med
  2001;16:606-13).
- Spanish: the PHQ screeners' "GAD-7 Spanish for the USA" and the PHQ-9 of the
  same US-Spanish translation (phqscreeners.com; Pfizer), quoted as published. The
  daily adaptation, the patients' band words, the side effects, the titles and the
  crisis message are the app's own words, not validated texts in either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

ENGLISH, SPANISH = "en", "es"


@dataclass(frozen=True)
class FormTexts:
    """What differs between the two instruments: the frame and the answers."""

    title: str
    stem: str
    #: The labels of the answers 0..3.
    answers: tuple[str, str, str, str]
    #: One sentence for a patient about what the bands mean here.
    guide: str


@dataclass(frozen=True)
class Texts:
    language: str
    #: The seven GAD-7 items, in order.
    items: tuple[str, str, str, str, str, str, str]
    #: By instrument code: ``gad7`` (the standard GAD-7) and ``daily`` (the adaptation).
    forms: Mapping[str, FormTexts]
    difficulty_question: str
    difficulty_answers: tuple[str, str, str, str]
    #: Plain words for a patient, by band name: describe the score, never alarm.
    bands: Mapping[str, str]
    #: Item 9 of the PHQ-9, asked with the standard GAD-7; its answers are the standard's.
    safety_question: str
    #: What the patient reads at once after a safety answer above 0; the crisis line follows it.
    crisis_message: str
    #: The crisis line named when the clinic set none.
    default_crisis_line: str
    #: (code, words shown to the patient), in the order of diary.gad7.SIDE_EFFECTS.
    side_effects: tuple[tuple[str, str], ...]
    #: The total score's label in a FHIR QuestionnaireResponse.
    total_label: str


ENGLISH_TEXTS = Texts(
    language=ENGLISH,
    items=(
        "Feeling nervous, anxious, or on edge",
        "Not being able to stop or control worrying",
        "Worrying too much about different things",
        "Trouble relaxing",
        "Being so restless that it's hard to sit still",
        "Becoming easily annoyed or irritable",
        "Feeling afraid as if something awful might happen",
    ),
    forms=MappingProxyType(
        {
            "gad7": FormTexts(
                title="GAD-7 (standard, two weeks)",
                stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
                answers=("Not at all", "Several days", "More than half the days", "Nearly every day"),
                guide="This is the standard GAD-7 about the last two weeks. The ranges are a guide for you "
                "and your care team, not a diagnosis.",
            ),
            "daily": FormTexts(
                title="GAD-7 daily (24 hours; adaptation, not validated)",
                stem="Over the last 24 hours, how much of the time have you been bothered by the following problems?",
                answers=("Not at all", "Some of the time", "More than half the time", "Nearly all the time"),
                guide="Your daily score uses the GAD-7 ranges as a rough guide, not a diagnosis.",
            ),
        }
    ),
    difficulty_question=(
        "How difficult have these problems made it for you to do your work, "
        "take care of things at home, or get along with other people?"
    ),
    difficulty_answers=(
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ),
    bands=MappingProxyType(
        {
            "minimal": "little or no anxiety",
            "mild": "mild anxiety",
            "moderate": "moderate anxiety",
            "severe": "a lot of anxiety",
        }
    ),
    safety_question="Thoughts that you would be better off dead, or of hurting yourself in some way",
    crisis_message=(
        "Thank you for telling us. Your care team will be told, but they do not read the diary "
        "around the clock. If you might act on these thoughts, or you are in danger now, call the "
        "crisis line now or go to your nearest emergency department."
    ),
    default_crisis_line="your local emergency number",
    side_effects=(
        ("dizziness", "Dizziness"),
        ("nausea", "Nausea"),
        ("blurred_vision", "Blurred vision"),
        ("dissociation", "Feeling detached or unreal (dissociation)"),
        ("headache", "Headache"),
        ("drowsiness", "Drowsiness"),
        ("elevated_blood_pressure", "Raised blood pressure"),
        ("vomiting", "Vomiting"),
        ("anxiety", "Anxiety or panic after the dose"),
        ("confusion", "Confusion, or seeing or hearing things differently"),
        ("numbness", "Numbness or tingling"),
        ("palpitations", "A racing or pounding heart"),
        ("urinary", "Pain when passing urine, or needing to go more often"),
        ("craving", "Craving ketamine, or taking more than prescribed"),
        ("other", "Something else"),
    ),
    total_label="Total score",
)

# US Spanish. The items, the standard's stem and answers, the difficulty question and its
# answers, and the safety question are quoted from the PHQ screeners' US-Spanish forms
# (tests/checkins/test_spanish_forms.py compares them with the source, word by word). The
# difficulty question leaves out the form's lead-in "Si marcó cualquiera de los problemas,",
# as the English leaves out "If you checked off any problems,". The daily form changes
# only the frame and the answers, as the English adaptation does: "qué tan seguido" (how
# often) becomes "cuánto tiempo" (how much of the time), over 24 hours.
SPANISH_TEXTS = Texts(
    language=SPANISH,
    items=(
        "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
        "No ha sido capaz de parar o controlar su preocupación",
        "Se ha preocupado demasiado por motivos diferentes",
        "Ha tenido dificultad para relajarse",
        "Se ha sentido tan inquieto(a) que no ha podido quedarse quieto(a)",
        "Se ha molestado o irritado fácilmente",
        "Ha tenido miedo de que algo terrible fuera a pasar",
    ),
    forms=MappingProxyType(
        {
            "gad7": FormTexts(
                title="GAD-7 (estándar, dos semanas)",
                stem="Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
                "siguientes problemas?",
                answers=("Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"),
                guide="Este es el GAD-7 estándar sobre las últimas dos semanas. Los rangos son una guía "
                "para usted y su equipo de atención, no un diagnóstico.",
            ),
            "daily": FormTexts(
                title="GAD-7 diario (24 horas; adaptación, no validada)",
                stem="Durante las últimas 24 horas, ¿cuánto tiempo ha tenido molestias debido a los "
                "siguientes problemas?",
                answers=(
                    "En ningún momento",
                    "Parte del tiempo",
                    "Más de la mitad del tiempo",
                    "Casi todo el tiempo",
                ),
                guide="Su puntuación diaria usa los rangos del GAD-7 solo como una guía aproximada, "
                "no como un diagnóstico.",
            ),
        }
    ),
    difficulty_question=(
        "¿Qué tanta dificultad le han dado estos problemas para hacer su trabajo, "
        "encargarse de las tareas del hogar, o llevarse bien con otras personas?"
    ),
    difficulty_answers=("No ha sido difícil", "Un poco difícil", "Muy difícil", "Extremadamente difícil"),
    bands=MappingProxyType(
        {
            "minimal": "poca o ninguna ansiedad",
            "mild": "ansiedad leve",
            "moderate": "ansiedad moderada",
            "severe": "mucha ansiedad",
        }
    ),
    safety_question="Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera",
    crisis_message=(
        "Gracias por decírnoslo. Su equipo de atención recibirá un aviso, pero no revisa el diario "
        "las 24 horas del día. Si cree que podría actuar según estos pensamientos, o si está en peligro "
        "ahora, llame ya a la línea de crisis o vaya a la sala de emergencias más cercana."
    ),
    default_crisis_line="el número de emergencias de su zona",
    side_effects=(
        ("dizziness", "Mareo"),
        ("nausea", "Náuseas"),
        ("blurred_vision", "Visión borrosa"),
        ("dissociation", "Sentirse desconectado(a) o irreal (disociación)"),
        ("headache", "Dolor de cabeza"),
        ("drowsiness", "Somnolencia"),
        ("elevated_blood_pressure", "Presión arterial alta"),
        ("vomiting", "Vómitos"),
        ("anxiety", "Ansiedad o pánico después de la dosis"),
        ("confusion", "Confusión, o ver u oír las cosas de otra manera"),
        ("numbness", "Adormecimiento u hormigueo"),
        ("palpitations", "Latidos del corazón acelerados o muy fuertes"),
        ("urinary", "Dolor al orinar, o necesidad de orinar más seguido"),
        ("craving", "Ganas intensas de usar ketamina, o tomar más de lo recetado"),
        ("other", "Otra cosa"),
    ),
    total_label="Puntuación total",
)

TEXTS: Mapping[str, Texts] = MappingProxyType({ENGLISH: ENGLISH_TEXTS, SPANISH: SPANISH_TEXTS})
LANGUAGE_CODES = tuple(TEXTS)


def texts(language: str | None) -> Texts:
    """The texts of ``language``; English for any language we have no texts in."""
    return TEXTS.get(language or ENGLISH, ENGLISH_TEXTS)
