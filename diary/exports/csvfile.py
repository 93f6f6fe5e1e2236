"""CSV files of check-ins and sessions that are safe to open in a spreadsheet. Pure."""

import csv
import io

from .. import gad7
from ..checkins.models import ITEM_COLUMNS
from ..localtime import utc_text
from ..treatments.models import MEASURES

# The contract's columns first, then what a reader must know to weigh a score:
# the instrument (daily or gad7) and what it is ("adaptation, not validated").
ENTRY_COLUMNS = (
    "local_date",
    "recorded_at",
    *ITEM_COLUMNS,
    "total",
    "severity",
    "difficulty",
    "note",
    "side_effects",
    "instrument",
    "instrument_note",
    # the answer to the safety question (the PHQ-9's item 9, 0..3), empty when it was not asked
    "safety",
)
TREATMENT_COLUMNS = (
    "local_date",
    "starts_at",
    "status",
    "route",
    "dose_mg",
    "notes",
    "side_effects",
    "recorded_by",
    # the session record (docs/api.md, "The session record"), empty when not recorded
    "product",
    "mg_per_kg",
    *MEASURES,
    "discharge_ready",
    "discharge_ready_at",
)

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV
# injection"); the full-width forms too, in some. A leading quote makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(text):
    """A free-text cell as a spreadsheet will show it: as text, never as a formula."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _number(value):
    return "" if value is None else f"{value:g}"


def _list(values, severity=None):
    """``nausea (mild); headache``: side effects with their rating where one was given."""
    severity = severity or {}
    return "; ".join(f"{code} ({severity[code]})" if code in severity else code for code in values or [])


def _yes_no(value):
    return "" if value is None else ("yes" if value else "no")


def entry_row(entry):
    return (
        entry.local_date.isoformat(),
        utc_text(entry.recorded_at),
        *entry.answers,
        entry.total,
        entry.severity,
        "" if entry.difficulty is None else entry.difficulty,
        neutralise(entry.note or ""),
        neutralise(_list(entry.side_effects, entry.side_effect_severity)),
        entry.instrument,
        gad7.instrument(entry.instrument).caveat,
        "" if entry.safety is None else entry.safety,
    )


def treatment_row(treatment):
    return (
        treatment.local_date.isoformat(),
        utc_text(treatment.starts_at),
        treatment.status,
        neutralise(treatment.route),
        _number(treatment.dose_mg),
        neutralise(treatment.notes or ""),
        neutralise(_list(treatment.side_effects, treatment.side_effect_severity)),
        neutralise(treatment.recorded_by_role),
        treatment.product or "",
        _number(treatment.mg_per_kg),
        *(_number(getattr(treatment, name)) for name in MEASURES),
        _yes_no(treatment.discharge_ready),
        utc_text(treatment.discharge_ready_at) if treatment.discharge_ready_at else "",
    )


def table(columns, rows) -> str:
    """A CSV document (RFC 4180: CRLF, quoting where needed) with a header row.

    No byte order mark: the first bytes are the header's, as docs/api.md ("Exports")
    and any CSV reader expect (a spreadsheet imports it as UTF-8).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def entries_csv(entries) -> str:
    return table(ENTRY_COLUMNS, (entry_row(entry) for entry in entries))


def treatments_csv(treatments) -> str:
    return table(TREATMENT_COLUMNS, (treatment_row(treatment) for treatment in treatments))
