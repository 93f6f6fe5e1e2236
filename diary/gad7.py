"""The GAD-7 questionnaire: the one source of its texts, scoring and codes.

Pure: no Flask, no database. Spitzer RL et al., Arch Intern Med 2006;166:1092-7.
LOINC codes as used by the FHIR export (CONTRACT.md section 8).
"""
from collections.abc import Sequence
from dataclasses import dataclass

ITEM_COUNT = 7
MIN_ANSWER, MAX_ANSWER = 0, 3
MAX_TOTAL = ITEM_COUNT * MAX_ANSWER

#: The daily-recall stem the app shows above the items.
STEM = "Over the last day, how often have you been bothered by the following problems?"


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
    loinc: str


#: LOINC answer list LL358-3, in score order 0..3.
ANSWER_LIST_LOINC = "LL358-3"
ANSWERS = (
    Answer(0, "Not at all", "LA6568-5"),
    Answer(1, "Several days", "LA6569-3"),
    Answer(2, "More than half the days", "LA6570-1"),
    Answer(3, "Nearly every day", "LA6571-9"),
)

DIFFICULTY_QUESTION = (
    "How difficult have these problems made it for you to do your work, "
    "take care of things at home, or get along with other people?"
)
DIFFICULTY_LABELS = ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult")
DIFFICULTY_LOINC = "69722-7"
#: LOINC answer list LL359-1 for the difficulty item, in order 0..3 (as DIFFICULTY_LABELS).
DIFFICULTY_ANSWER_LIST_LOINC = "LL359-1"
DIFFICULTY_ANSWERS = (
    Answer(0, "Not difficult at all", "LA6572-7"),
    Answer(1, "Somewhat difficult", "LA6573-5"),
    Answer(2, "Very difficult", "LA6575-0"),
    Answer(3, "Extremely difficult", "LA6574-3"),
)

LOINC_SYSTEM = "http://loinc.org"
PANEL_LOINC = "69737-5"
#: LOINC's canonical URL of the panel as a FHIR Questionnaire.
PANEL_QUESTIONNAIRE = f"{LOINC_SYSTEM}/q/{PANEL_LOINC}"
PANEL_TITLE = "Generalized anxiety disorder 7 item (GAD-7)"
TOTAL_LOINC = "70274-6"
TOTAL_TITLE = "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"

#: Severity bands as (upper bound inclusive, name), Spitzer 2006.
BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))
SEVERITIES = tuple(name for _, name in BANDS)

#: Plain words for a patient; no band reads as an alarm.
PLAIN_BANDS = {
    "minimal": "minimal anxiety",
    "mild": "mild anxiety",
    "moderate": "moderate anxiety",
    "severe": "a lot of anxiety",
}


def validate_answers(answers: object) -> list[str]:
    """Problems with a list of answers, as messages for a person (empty when valid)."""
    if not isinstance(answers, (list, tuple)):
        return ["Give the seven answers as a list."]
    if len(answers) != ITEM_COUNT:
        return [f"Give exactly {ITEM_COUNT} answers, one per question."]
    problems: list[str] = []
    for index, value in enumerate(answers, start=1):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"Answer {index} must be a whole number from 0 to 3.")
        elif not MIN_ANSWER <= value <= MAX_ANSWER:
            problems.append(f"Answer {index} must be from 0 to 3.")
    return problems


def total(answers: Sequence[int]) -> int:
    """The sum of the seven answers (0..21). Raises ValueError for invalid answers."""
    problems = validate_answers(answers)
    if problems:
        raise ValueError(problems[0])
    return sum(answers)


def severity(score: int) -> str:
    """The severity band of a total score (0..21)."""
    if isinstance(score, bool) or not 0 <= score <= MAX_TOTAL:
        raise ValueError(f"a GAD-7 total is from 0 to {MAX_TOTAL}, not {score!r}")
    for upper, name in BANDS:
        if score <= upper:
            return name
    raise AssertionError("unreachable: the bands cover 0..21")
