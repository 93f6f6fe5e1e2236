"""The two GAD-7 instruments: the one source of their texts, scoring, bands and codes.

Pure: no Flask, no database. Items after Spitzer RL et al., Arch Intern Med
2006;166:1092-7. docs/api.md, "Two instruments" fixes the wording:

- ``gad7``, the standard, validated GAD-7: a two-week recall, LOINC 69737-5,
  its items, the answer list LL358-3 and the total 70274-6;
- ``daily``, the app's adaptation to a 24-hour frame, answered in "how much of
  the time". It is NOT validated: its bands are a guide, and it carries none of
  the LOINC codes (its FHIR Questionnaire is derived from the LOINC form).

The PWA reads every text from the API (``form`` below), never from a copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

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


ITEMS = (
    Item(1, "Feeling nervous, anxious, or on edge", "69725-0"),
    Item(2, "Not being able to stop or control worrying", "68509-9"),
    Item(3, "Worrying too much about different things", "69733-4"),
    Item(4, "Trouble relaxing", "69734-2"),
    Item(5, "Being so restless that it's hard to sit still", "69735-9"),
    Item(6, "Becoming easily annoyed or irritable", "69689-8"),
    Item(7, "Feeling afraid as if something awful might happen", "69736-7"),
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
BANDS = (
    Band("minimal", 0, 4, "little or no anxiety"),
    Band("mild", 5, 9, "mild anxiety"),
    Band("moderate", 10, 14, "moderate anxiety"),
    Band("severe", 15, 21, "a lot of anxiety"),
)
SEVERITIES = tuple(band.name for band in BANDS)
PLAIN_BANDS = {band.name: band.plain for band in BANDS}

DIFFICULTY_QUESTION = (
    "How difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)
DIFFICULTY_LABELS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")

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


STANDARD_INSTRUMENT = Instrument(
    code=STANDARD,
    title="GAD-7 (standard, two weeks)",
    stem="Over the last 2 weeks, how often have you been bothered by the following problems?",
    answers=(
        Answer(0, "Not at all", "LA6568-5"),
        Answer(1, "Several days", "LA6569-3"),
        Answer(2, "More than half the days", "LA6570-1"),
        Answer(3, "Nearly every day", "LA6571-9"),
    ),
    difficulty_answers=(
        Answer(0, DIFFICULTY_LABELS[0], "LA6572-7"),
        Answer(1, DIFFICULTY_LABELS[1], "LA6573-5"),
        Answer(2, DIFFICULTY_LABELS[2], "LA6575-0"),
        Answer(3, DIFFICULTY_LABELS[3], "LA6574-3"),
    ),
    validated=True,
    caveat="validated GAD-7, two-week recall",
    guide="This is the standard GAD-7 about the last two weeks. The ranges are a guide for you and your care team, not a diagnosis.",
)

DAILY_INSTRUMENT = Instrument(
    code=DAILY,
    title="GAD-7 daily (24 hours; adaptation, not validated)",
    stem="Over the last 24 hours, how much of the time have you been bothered by the following problems?",
    answers=(
        Answer(0, "Not at all", "not-at-all"),
        Answer(1, "Some of the time", "some-of-the-time"),
        Answer(2, "More than half the time", "more-than-half-the-time"),
        Answer(3, "Nearly all the time", "nearly-all-the-time"),
    ),
    difficulty_answers=(
        Answer(0, DIFFICULTY_LABELS[0], "difficulty-none"),
        Answer(1, DIFFICULTY_LABELS[1], "difficulty-somewhat"),
        Answer(2, DIFFICULTY_LABELS[2], "difficulty-very"),
        Answer(3, DIFFICULTY_LABELS[3], "difficulty-extreme"),
    ),
    validated=False,
    caveat=f"GAD-7 items with a 24-hour frame: an {ADAPTATION_CAVEAT}",
    guide="Your daily score uses the GAD-7 ranges as a rough guide, not a diagnosis.",
)

INSTRUMENTS = {STANDARD: STANDARD_INSTRUMENT, DAILY: DAILY_INSTRUMENT}

#: The safety question asked with the standard GAD-7 (docs/instruments.md, "The safety
#: question"): item 9 of the PHQ-9 (Kroenke K, Spitzer RL, Williams JBW, J Gen Intern Med
#: 2001;16:606-13) in its published wording, with the PHQ-9's two-week answers (LOINC
#: answer list LL358-3, the GAD-7's own). A screen, not a risk assessment.
SAFETY_QUESTION = "Thoughts that you would be better off dead, or of hurting yourself in some way"
SAFETY_LOINC = "44260-8"
SAFETY_TITLE = "Thoughts that you would be better off dead, or of hurting yourself in some way [PHQ-9 item 9]"
SAFETY_ANSWERS = STANDARD_INSTRUMENT.answers
#: What the patient reads at once after any answer above 0; the crisis line follows it.
CRISIS_MESSAGE = (
    "Thank you for telling us. Your care team will be told, but they do not read the diary "
    "around the clock. If you might act on these thoughts, or you are in danger now, call the "
    "crisis line now or go to your nearest emergency department."
)


def safety_question() -> dict[str, Any]:
    """The safety question as the check-in form serves it: ``{"question", "answers"}``."""
    return {"question": SAFETY_QUESTION, "answers": [answer.label for answer in SAFETY_ANSWERS]}


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
SIDE_EFFECTS = (
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
)
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


def form(code: str) -> dict[str, Any]:
    """The check-in form of an instrument as the API serves it (docs/api.md, "Two instruments"), plus
    ``title``, ``validated``, ``guide``, ``max_total`` and ``bands`` for the screens around it."""
    spec = instrument(code)
    return {
        "instrument": spec.code,
        "title": spec.title,
        "validated": spec.validated,
        "stem": spec.stem,
        "items": [item.text for item in ITEMS],
        "answers": [answer.label for answer in spec.answers],
        "difficulty": {
            "question": DIFFICULTY_QUESTION,
            "answers": [answer.label for answer in spec.difficulty_answers],
        },
        "side_effects": [{"code": code_, "label": label} for code_, label in SIDE_EFFECTS],
        "guide": spec.guide,
        "max_total": MAX_TOTAL,
        "bands": [{"name": b.name, "from": b.low, "to": b.high, "label": b.plain} for b in BANDS],
    }
