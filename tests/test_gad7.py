"""The pure core of both instruments: due dates, validation, bands and forms."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diary import gad7

DAY = date(2026, 3, 10)


def test_the_first_check_in_is_standard_then_every_fourteen_days():
    assert gad7.due_instrument(DAY, []) == "gad7"
    assert gad7.due_instrument(DAY + timedelta(days=13), [DAY]) == "daily"
    assert gad7.due_instrument(DAY + timedelta(days=14), [DAY]) == "gad7"
    assert gad7.due_instrument(DAY + timedelta(days=30), [DAY]) == "gad7"  # after a pause, the first check-in
    assert gad7.due_instrument(DAY - timedelta(days=1), [DAY]) == "daily"  # a backfill just before it


@given(
    st.lists(st.integers(min_value=0, max_value=3), min_size=7, max_size=7),
    st.sampled_from(gad7.INSTRUMENT_CODES),
)
def test_valid_answers_score_their_sum(answers, instrument):
    assert gad7.validate_answers(answers, instrument) == []
    assert gad7.total(answers, instrument) == sum(answers)


@pytest.mark.parametrize(
    "answers",
    [[0] * 6, [0] * 8, [4] + [0] * 6, [-1] + [0] * 6, [True] + [0] * 6, ["1"] + [0] * 6, None, "0000000"],
)
def test_invalid_answers_are_refused(answers):
    assert gad7.validate_answers(answers, "daily")
    with pytest.raises(ValueError):
        gad7.total(answers)


def test_an_unknown_instrument_is_refused():
    assert gad7.validate_answers([0] * 7, "weekly")
    with pytest.raises(ValueError):
        gad7.instrument("weekly")
    with pytest.raises(ValueError):
        gad7.form("weekly")


def test_bands_cover_every_total_once():
    assert [gad7.severity(score) for score in (0, 4, 5, 9, 10, 14, 15, 21)] == [
        "minimal",
        "minimal",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
    ]
    covered = [score for band in gad7.BANDS for score in range(band.low, band.high + 1)]
    assert covered == list(range(gad7.MAX_TOTAL + 1))
    for bad in (-1, 22, True, 2.5):
        with pytest.raises(ValueError):
            gad7.severity(bad)


def test_the_two_instruments_differ_in_frame_and_answers_only():
    daily, standard = gad7.form("daily"), gad7.form("gad7")
    assert daily["items"] == standard["items"] and daily["side_effects"] == standard["side_effects"]
    assert daily["stem"] != standard["stem"] and daily["answers"] != standard["answers"]
    assert daily["answers"][0] == standard["answers"][0] == "Not at all"
    assert not daily["validated"] and standard["validated"]
    assert "not validated" in gad7.DAILY_INSTRUMENT.caveat


def test_only_the_standard_carries_loinc_answer_codes():
    assert all(
        answer.code.startswith("LA")
        for answer in gad7.STANDARD_INSTRUMENT.answers + gad7.STANDARD_INSTRUMENT.difficulty_answers
    )
    assert not any(
        answer.code.startswith("LA")
        for answer in gad7.DAILY_INSTRUMENT.answers + gad7.DAILY_INSTRUMENT.difficulty_answers
    )


def test_every_language_has_every_text_in_the_same_order():
    from diary import gad7_texts

    english = gad7_texts.ENGLISH_TEXTS
    for texts in gad7_texts.TEXTS.values():
        assert len(texts.items) == gad7.ITEM_COUNT
        assert set(texts.forms) == set(gad7.INSTRUMENT_CODES)
        assert all(len(spec.answers) == 4 for spec in texts.forms.values())
        assert set(texts.bands) == set(gad7.SEVERITIES)
        assert [code for code, _ in texts.side_effects] == list(gad7.SIDE_EFFECT_CODES)
        assert all(label.strip() for _, label in texts.side_effects)
    spanish = gad7.form("gad7", "es")
    assert spanish["language"] == "es" and spanish["items"] != [item.text for item in gad7.ITEMS]
    assert gad7.form("gad7", "fr")["items"] == list(english.items)  # no texts: English
    assert gad7.form("gad7")["language"] == "en"
