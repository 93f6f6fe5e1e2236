"""The pseudo-locale test's judge of a screen's texts (tests/e2e/support.py, ``Allowed``): pseudo
text and data pass, English fails, word by word."""

from diary.i18n import pseudo
from tests.e2e.support import Allowed, text_pattern

ALLOWED = Allowed(
    data=["Robin Example", "Feeling nervous, anxious, or on edge", "K7QH4M2PZX"],
    patterns=[
        "Demasiados intentos. Inténtelo de nuevo en %(minutes)s minutos.",
        "No",
        "Abra Afterglow cuando le resulte cómodo.",
        "Hola, %(name)s.",
    ],
    words=["lunes, 7 de diciembre de 2026", "8:00 p. m.", "MST", "hora estándar del Pacífico"],
    zones=["America/New_York", "Europe/Berlin", "UTC"],
)


def test_pseudo_text_passes_with_its_placeholders_filled_with_numbers_or_data():
    assert ALLOWED.offending(pseudo("Save check-in")) == []
    assert (
        ALLOWED.offending(
            pseudo("Your score is {score} out of {max}").replace("{score}", "8").replace("{max}", "21")
        )
        == []
    )
    assert ALLOWED.offending(pseudo("Welcome, {name}").replace("{name}", "Robin Example")) == []
    assert (
        ALLOWED.offending("⟦" + pseudo("Sessions") + " " + pseudo("{n} days").replace("{n}", "3") + "⟧") == []
    )


def test_english_fails_word_by_word():
    assert ALLOWED.offending("Save check-in") == ["Save", "check", "in"]
    score = pseudo("Score {score} ({severity})").replace("{score}", "8")
    assert ALLOWED.offending(score.replace("{severity}", "mild")) == ["mild"]
    assert ALLOWED.offending(pseudo("Your score is {score}")) == ["score"]  # a placeholder never filled in
    assert ALLOWED.offending(pseudo("Welcome") + " back") == ["back"]
    assert ALLOWED.offending("Robin Examples") == ["Robin", "Examples"]  # data is whole words


def test_intl_output_numbers_urls_emails_zones_and_the_brand_are_data():
    assert ALLOWED.offending("lunes, 7 de diciembre, 20:00 MST") == []
    assert ALLOWED.offending("8:00 p. m. hora estándar del Pacífico") == []
    assert ALLOWED.offending("12 345,6 · 42 % · 3/21 — (7)") == []
    assert ALLOWED.offending("http://127.0.0.1:5123/#/join?code=K7QH4M2PZX robin@mail.test") == []
    assert ALLOWED.offending("America/New_York, America/New York, Europe/Berlin") == []
    assert ALLOWED.offending("Afterglow") == []
    assert ALLOWED.offending("Monday, 7 December, 8:00 PM") == ["Monday", "December", "PM"]
    assert ALLOWED.offending("America/Old_York") == ["America", "Old", "York"]


def test_the_servers_spanish_passes_with_any_value_in_its_placeholders():
    assert ALLOWED.offending("Demasiados intentos. Inténtelo de nuevo en 5 minutos.") == []
    assert ALLOWED.offending("Abra Afterglow cuando le resulte cómodo.") == []  # the brand inside a text
    assert ALLOWED.offending("Hola, Robin Example.") == []  # data in a placeholder
    assert ALLOWED.offending("Too many attempts. Try again in 5 minutes.") == [
        "Too",
        "many",
        "attempts",
        "Try",
        "again",
        "in",
        "minutes",
    ]
    # a text too short to tell apart from English is no licence: "No" stays English
    assert ALLOWED.offending("No") == ["No"]


def test_a_catalogue_text_becomes_a_pattern_whose_placeholders_match_anything():
    assert text_pattern("Hola %(name)s, {n} días") == r"Hola\ .*?,\ .*?\ días"
