"""Exports of one patient's diary: CSV, FHIR R4 and iCalendar (docs/api.md, "Exports")."""
