"""The two GAD-7 instruments: their scoring, bands and codes, and their forms in a language.

Pure: no Flask, no database. Items after Spitzer RL et al., Arch Intern Med
2006;166:1092-7. The wordings, in English and Spanish, live in
:mod:`diary.gad7_texts`; the English constants below (``ITEMS``, ``STANDARD_INSTRUMENT``,
...) are built from them, and exports and codes use those. docs/api.md, "Two
instruments" fixes the wording:

- ``gad7``, the standard, validated GAD-7: a two-week recall, LOINC 69737-5,
  its items, the answer list LL358-3 and the total 70274-6;
- ``daily``, the app's adaptation to a 24-hour frame, answered in "how much of
  the time". It is NOT validated: its bands are a guide, and it carries none of
  the LOINC codes (its FHIR Questionnaire is derived from the LOINC form).

The PWA reads every text from the API (``form`` below, in the reader's language),
never from a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import gad7_texts
from .gad7_texts import ENGLISH_TEXTS as _EN

ITEM_COUNT = 7
MIN_ANSWER, MAX_ANSWER = 0, 3
MAX_TOTAL = ITEM_COUNT * MAX_ANSWER

DAILY, STANDARD = "daily", "gad7"
INSTRUMENT_CODES = (DAILY, STANDARD)
#: A standard GAD-7 is due when none was taken within this many days (docs/api.md, "Two instruments").
STANDARD_INTERVAL_DAYS = 14


@dataclass(frozen=True)
class Item:
    number: int
    text: str
    loinc: str


#: The items' LOINC codes, in order.
ITEM_LOINC = ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7")
ITEMS = tuple(
    Item(number, text, loinc)
    for number, (text, loinc) in enumerate(zip(_EN.items, ITEM_LOINC, strict=True), 1)
)


@dataclass(frozen=True)
class Answer:
    value: int
    label: str
    #: A LOINC answer code (standard), or a code of the app's own code system (daily).
    code: str


@dataclass(frozen=True)
class Band:
    name: str
    low: int
    high: int
    #: Plain words for a patient: describes the score, never alarms.
    plain: str


#: Severity bands, Spitzer 2006. For the daily adaptation they are a guide only.
BANDS = tuple(
    Band(name, low, high, _EN.bands[name])
    for name, low, high in (("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21))
)
SEVERITIES = tuple(band.name for band in BANDS)
PLAIN_BANDS = {band.name: band.plain for band in BANDS}

DIFFICULTY_QUESTION = _EN.difficulty_question
DIFFICULTY_LABELS = _EN.difficulty_answers

LOINC_SYSTEM = "http://loinc.org"
PANEL_LOINC = "69737-5"
#: LOINC's canonical URL of the panel as a FHIR Questionnaire.
PANEL_QUESTIONNAIRE = f"{LOINC_SYSTEM}/q/{PANEL_LOINC}"
PANEL_TITLE = "Generalized anxiety disorder 7 item (GAD-7)"
TOTAL_LOINC = "70274-6"
TOTAL_TITLE = "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
#: LOINC answer list LL358-3 (the items) and LL359-1 (the difficulty question).
ANSWER_LIST_LOINC = "LL358-3"
DIFFICULTY_LOINC = "69722-7"
DIFFICULTY_ANSWER_LIST_LOINC = "LL359-1"

#: The daily adaptation's FHIR identity: the app's own Questionnaire and code system,
#: served at these paths under the deployment's base URL (they are its canonical URLs).
DAILY_QUESTIONNAIRE_ID = "gad7-daily"
DAILY_QUESTIONNAIRE_PATH = f"/api/v1/fhir/Questionnaire/{DAILY_QUESTIONNAIRE_ID}"
DAILY_CODE_SYSTEM_PATH = f"/api/v1/fhir/CodeSystem/{DAILY_QUESTIONNAIRE_ID}"
DAILY_TOTAL_CODE = "total-score"
DAILY_TOTAL_TITLE = "GAD-7 daily adaptation total score (not validated)"
DAILY_VERSION = "1"

ADAPTATION_CAVEAT = "adaptation, not validated"


@dataclass(frozen=True)
class Instrument:
    code: str
    title: str
    stem: str
    answers: tuple[Answer, ...]
    difficulty_answers: tuple[Answer, ...]
    validated: bool
    #: What a clinician reading a score must know about it.
    caveat: str
    #: One sentence for a patient about what the bands mean here.
    guide: str


def _answers(labels: Sequence[str], codes: Sequence[str]) -> tuple[Answer, ...]:
    return tuple(
        Answer(value, label, code) for value, (label, code) in enumerate(zip(labels, codes, strict=True))
    )


#: The answers' codes, the same in every language: LOINC's (LL358-3, LL359-1) for the
#: standard, the app's own code system for the daily adaptation.
ANSWER_CODES = {
    STANDARD: ("LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"),
    DAILY: ("not-at-all", "some-of-the-time", "more-than-half-the-time", "nearly-all-the-time"),
}
DIFFICULTY_CODES = {
    STANDARD: ("LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"),
    DAILY: ("difficulty-none", "difficulty-somewhat", "difficulty-very", "difficulty-extreme"),
}
#: What a clinician reading a score must know about it (exports; English, as the exports are).
CAVEATS = {
    STANDARD: "validated GAD-7, two-week recall",
    DAILY: f"GAD-7 items with a 24-hour frame: an {ADAPTATION_CAVEAT}",
}


def _instrument(code: str, texts: gad7_texts.Texts) -> Instrument:
    spec = texts.forms[code]
    return Instrument(
        code=code,
        title=spec.title,
        stem=spec.stem,
        answers=_answers(spec.answers, ANSWER_CODES[code]),
        difficulty_answers=_answers(texts.difficulty_answers, DIFFICULTY_CODES[code]),
        validated=code == STANDARD,
        caveat=CAVEATS[code],
        guide=spec.guide,
    )


STANDARD_INSTRUMENT = _instrument(STANDARD, _EN)
DAILY_INSTRUMENT = _instrument(DAILY, _EN)

INSTRUMENTS = {STANDARD: STANDARD_INSTRUMENT, DAILY: DAILY_INSTRUMENT}

#: The safety question asked with the standard GAD-7 (docs/instruments.md, "The safety
#: question"): item 9 of the PHQ-9 (Kroenke K, Spitzer RL, Williams JBW, J Gen Intern Med
#: 2001;16:606-13) in its published wording, with the PHQ-9's two-week answers (LOINC
#: answer list LL358-3, the GAD-7's own). A screen, not a risk assessment.
SAFETY_QUESTION = _EN.safety_question
SAFETY_LOINC = "44260-8"
SAFETY_TITLE = "Thoughts that you would be better off dead, or of hurting yourself in some way [PHQ-9 item 9]"
SAFETY_ANSWERS = STANDARD_INSTRUMENT.answers
#: What the patient reads at once after any answer above 0; the crisis line follows it.
CRISIS_MESSAGE = _EN.crisis_message


def safety_question(language: str = gad7_texts.ENGLISH) -> dict[str, Any]:
    """The safety question as the check-in form serves it, in ``language``: ``{"question", "answers"}``."""
    texts = gad7_texts.texts(language)
    return {"question": texts.safety_question, "answers": list(texts.forms[STANDARD].answers)}


def crisis_message(language: str = gad7_texts.ENGLISH) -> str:
    """What the patient reads at once after a safety answer above 0, in ``language``."""
    return gad7_texts.texts(language).crisis_message


def safety_answer_problem(value: Any, instrument_code: str, *, asked: bool = True) -> str | None:
    """Why ``value`` cannot be stored as the safety answer of a check-in on ``instrument_code``
    (None when it can): only the standard GAD-7 asks it, and only when the clinic asks it at all."""
    if value is None:
        return None
    if not asked:
        return "This clinic does not ask the safety question."
    if instrument_code != STANDARD:
        return "The safety question is asked only with the standard GAD-7 (gad7)."
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_ANSWER <= value <= MAX_ANSWER:
        return f"The safety answer is a whole number from {MIN_ANSWER} to {MAX_ANSWER}."
    return None


#: Side effects a patient can report, with the words shown to them (docs/api.md, "Check-ins";
#: the list follows Short 2018 and the esketamine label, docs/instruments.md, "Side effects").
#: The first seven are the first list's, in its order; a stored code never changes meaning.
#: The words of every language are in diary/gad7_texts.py, in this order.
SIDE_EFFECTS = _EN.side_effects
SIDE_EFFECT_CODES = tuple(code for code, _ in SIDE_EFFECTS)
#: How bad a side effect was, as the patient or the care team rates it (optional).
SIDE_EFFECT_SEVERITIES = ("mild", "moderate", "severe")


def instrument(code: str) -> Instrument:
    """The instrument called ``code`` (``daily`` or ``gad7``). Raises ValueError for any other."""
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise ValueError(f"an instrument is one of {', '.join(INSTRUMENT_CODES)}, not {code!r}") from None


def due_instrument(day: date, standard_days: Iterable[date]) -> str:
    """What the check-in of local date ``day`` should be: ``gad7`` unless one was taken within 14 days of it.

    Looking both ways keeps a backfilled day before the first standard GAD-7 a daily one.
    """
    near = any(abs((day - other).days) < STANDARD_INTERVAL_DAYS for other in standard_days)
    return DAILY if near else STANDARD


def validate_answers(answers: Any, instrument_code: str = DAILY) -> list[str]:
    """Problems with a list of answers to ``instrument_code``, as messages for a person (empty when valid)."""
    if instrument_code not in INSTRUMENTS:
        return [f"Choose the instrument: one of {', '.join(INSTRUMENT_CODES)}."]
    if not isinstance(answers, (list, tuple)):
        return [f"Give the {ITEM_COUNT} answers as a list."]
    if len(answers) != ITEM_COUNT:
        return [f"Give exactly {ITEM_COUNT} answers, one per question."]
    problems = []
    top = len(INSTRUMENTS[instrument_code].answers) - 1
    for index, value in enumerate(answers, start=1):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"Answer {index} must be a whole number from 0 to {top}.")
        elif not MIN_ANSWER <= value <= top:
            problems.append(f"Answer {index} must be from 0 to {top}.")
    return problems


def total(answers: Sequence[int], instrument_code: str = DAILY) -> int:
    """The sum of the seven answers (0..21). Raises ValueError for invalid answers."""
    problems = validate_answers(answers, instrument_code)
    if problems:
        raise ValueError(problems[0])
    return sum(answers)


def band(score: int) -> Band:
    """The severity band of a total score (0..21)."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_TOTAL:
        raise ValueError(f"a GAD-7 total is a whole number from 0 to {MAX_TOTAL}, not {score!r}")
    return next(b for b in BANDS if b.low <= score <= b.high)


def severity(score: int) -> str:
    """The name of the severity band of a total score (0..21)."""
    return band(score).name


def instrument_in(code: str, language: str = gad7_texts.ENGLISH) -> Instrument:
    """The instrument called ``code`` with its texts in ``language`` (English for one we have no
    texts in); the codes are the same in every language. Raises ValueError for an unknown code."""
    instrument(code)
    return _instrument(code, gad7_texts.texts(language))


def items(language: str = gad7_texts.ENGLISH) -> tuple[str, ...]:
    """The seven items' wording in ``language``."""
    return gad7_texts.texts(language).items


def form(code: str, language: str = gad7_texts.ENGLISH) -> dict[str, Any]:
    """The check-in form of an instrument in ``language`` as the API serves it (docs/api.md, "Two
    instruments"), plus ``title``, ``validated``, ``guide``, ``max_total`` and ``bands`` for the
    screens around it, and ``language``: the one its texts are in."""
    texts = gad7_texts.texts(language)
    spec = instrument_in(code, texts.language)
    return {
        "instrument": spec.code,
        "language": texts.language,
        "title": spec.title,
        "validated": spec.validated,
        "stem": spec.stem,
        "items": list(texts.items),
        "answers": [answer.label for answer in spec.answers],
        "difficulty": {
            "question": texts.difficulty_question,
            "answers": [answer.label for answer in spec.difficulty_answers],
        },
        "side_effects": [{"code": code_, "label": label} for code_, label in texts.side_effects],
        "guide": spec.guide,
        "max_total": MAX_TOTAL,
        "bands": [{"name": b.name, "from": b.low, "to": b.high, "label": texts.bands[b.name]} for b in BANDS],
    }
