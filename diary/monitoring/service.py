"""Monitoring operations (being built in the relief issue)."""


def refresh_patient(patient, *, now):
    """Re-evaluates the patient's flags and summary after their data changed."""
