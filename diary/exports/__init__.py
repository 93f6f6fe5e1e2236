"""Exports of one patient's diary: CSV, FHIR R4 and iCalendar (CONTRACT.md section 8)."""
