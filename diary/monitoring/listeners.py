"""Monitoring's handlers of the signals lower features send (:mod:`diary.signals`)."""

from .. import signals
from . import reported
from .evaluation import locked_summary, refresh_patient


def _refresh(patient, *, now, record=None, **_):
    if record is not None:  # a check-in or session stored: its side effects and home doses first
        locked_summary(patient, now)
        reported.check(patient, record, now=now)
    refresh_patient(patient, now=now)


def connect():
    """Called by ``create_app``; connecting twice connects once."""
    # A change of the entries, sessions, baseline or zone: re-evaluate in the same transaction.
    signals.patient_data_changed.connect(_refresh)
    # A new patient: the worklist lists them from now on.
    signals.patient_registered.connect(_refresh)
