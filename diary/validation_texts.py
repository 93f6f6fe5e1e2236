"""marshmallow's own validation texts, in the reader's language (docs/i18n.md, "Validation texts").

Our texts are marked where they are raised. marshmallow's ("Missing data for required field.",
"Must be one of: daily, gad7.") are written inside marshmallow, in English, and the ones with
values arrive formatted. So they are all marked here, once: the fixed ones as they are, those
with values as a template whose ``{name}`` is written ``%(name)s``. :func:`translate`, which the
error envelope applies to every text it sends, translates a fixed text by its msgid and a
formatted one by matching it against the templates: the template is translated and the values
put back. tests/i18n/test_server_messages.py checks that every text marshmallow can raise is here.
"""

import re
from functools import cache

from flask_babel import gettext
from marshmallow import validate

from .i18n import N_

#: marshmallow's texts without values (and those whose only value is a fixed word, spelled out).
FIXED = (
    # Every field; a schema's own.
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Invalid type."),
    # Fields by type.
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid boolean."),
    N_("Not a valid datetime."),
    N_("Not a valid aware datetime."),
    N_("Not a valid naive datetime."),
    N_("Not a valid date."),
    N_("Not a valid time."),
    N_("Not a valid period of time."),
    N_("Not a valid UUID."),
    N_("Not a valid list."),
    N_("Not a valid tuple."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid IP address."),
    N_("Not a valid IPv4 address."),
    N_("Not a valid IPv6 address."),
    N_("Not a valid IP interface."),
    N_("Not a valid IPv4 interface."),
    N_("Not a valid IPv6 interface."),
    # Validators.
    N_("Invalid input."),
    N_("String does not match expected pattern."),
)

#: marshmallow's texts with values. A value is data (a number, a list of codes) and stays as sent.
TEMPLATES = (
    N_("Must be one of: %(choices)s."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than %(max)s."),
    N_("Must be greater than %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than %(min)s and less than %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be less than %(max)s."),
    N_("Must be equal to %(other)s."),
    N_("One or more of the choices you made was not in: %(choices)s."),
    N_("One or more of the choices you made was in: %(values)s."),
)

_PLACEHOLDER = re.compile(r"%\\\((\w+)\\\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """A regular expression per template, the longest first: "Must be greater than %(min)s."
    would also match "Must be greater than or equal to 1.", its longer sibling must win."""
    patterns = [
        (re.compile(_PLACEHOLDER.sub(r"(?P<\1>.+)", re.escape(template)), re.DOTALL), template)
        for template in TEMPLATES
    ]
    return tuple(sorted(patterns, key=lambda pair: -len(_PLACEHOLDER.sub("", re.escape(pair[1])))))


def translate(text: str) -> str:
    """``text`` in the reader's language: a marked text by its msgid, a formatted marshmallow
    text by its template; any other text (translated already, or data) as it is."""
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, template in _patterns():
        found = pattern.fullmatch(text)
        if found:
            return gettext(template, **found.groupdict())
    return text


class Range(validate.Range):
    """marshmallow's Range with a message of ours, translated when it is raised: ``error`` is a
    marked text with ``%(min)s`` and ``%(max)s`` (marshmallow would format it once, in English,
    with ``{min}``)."""

    def _format_error(self, value, message: str) -> str:
        if self.error is None:  # marshmallow's own text: the envelope translates it by its template
            return super()._format_error(value, message)
        return gettext(self.error, min=self.min, max=self.max)
