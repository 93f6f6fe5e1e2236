"""The catalogues are whole: every marked text is extracted, and every one has its Spanish.

``make i18n`` writes the templates (.pot) from the sources; these tests extract again, in
process, and fail when a template is stale or a Spanish entry is missing, fuzzy, or loses a
placeholder. Unmarked texts are the pseudo-locale run's to find (tests/e2e/test_pseudo_locale.py).
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from diary import i18n

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "diary" / "translations"
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")
DOMAINS = (i18n.SERVER_DOMAIN, i18n.PWA_DOMAIN)


def read(path):
    with path.open("rb") as f:
        return read_po(f)


def ids(catalog):
    return {m.id for m in catalog if m.id}


def extract(domain):
    """What `make i18n` extracts now: the ids of the marked texts ((singular, plural) for plurals)."""
    mapping, source, keywords = {
        i18n.SERVER_DOMAIN: ("server.cfg", "diary", DEFAULT_KEYWORDS),
        i18n.PWA_DOMAIN: ("pwa.cfg", "frontend/js", {"t": None, "tn": (1, 2)}),
    }[domain]
    with (TRANSLATIONS / mapping).open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = extract_from_dir(str(ROOT / source), method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else tuple(message) for _, _, message, _, _ in found}


@pytest.mark.parametrize("domain", DOMAINS)
def test_templates_hold_every_marked_text(domain):
    fresh = extract(domain)
    kept = ids(read(TRANSLATIONS / f"{domain}.pot"))
    assert fresh - kept == set(), "new texts: run `make i18n` and translate them"
    assert kept - fresh == set(), "texts no longer used: run `make i18n`"


@pytest.mark.parametrize("language", [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE])
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_text_is_translated_with_its_placeholders(language, domain):
    template = read(TRANSLATIONS / f"{domain}.pot")
    catalog = read(TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po")
    missing, broken = [], []
    for source in template:
        if not source.id:
            continue
        entry = catalog.get(source.id)
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not entry or entry.fuzzy or not all(strings):
            missing.append(source.id)
            continue
        sources = source.id if isinstance(source.id, tuple) else (source.id,)
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        for text in strings:
            # A singular form may say "one" in words instead of {n}; every other placeholder stays.
            if set(PLACEHOLDER.findall(text)) | {"{n}", "%(num)d", "%(num)s"} < wanted | {
                "{n}",
                "%(num)d",
                "%(num)s",
            }:
                broken.append((source.id, text))
            if set(PLACEHOLDER.findall(text)) - wanted:
                broken.append((source.id, text))
    assert missing == [], (
        f"{len(missing)} texts have no {language} translation: run `make i18n` and fill them in"
    )
    assert broken == [], "translations that lose or invent a placeholder"


def test_spanish_plurals_follow_the_language():
    catalog = i18n.catalogue("es", i18n.PWA_DOMAIN)
    assert catalog.num_plurals == 3  # CLDR's one, many (a million), other: what Intl.PluralRules("es") gives


def test_the_pseudo_locale_marks_keeps_placeholders_and_lengthens():
    text = "Saved at {time} on %(day)s"
    out = i18n.pseudo(text)
    assert out.startswith("⟦") and out.endswith("⟧")
    assert "{time}" in out and "%(day)s" in out
    assert not re.search(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", out))
    assert len(out) >= len(text) * 1.3


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("en-GB,en;q=0.8,es;q=0.5", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        (None, "en"),
        ("es", "es"),
    ],
)
def test_the_browser_language_is_negotiated(header, language):
    assert i18n.negotiate(header) == language
