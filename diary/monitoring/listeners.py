"""Monitoring's handlers of the signals lower features send (:mod:`diary.signals`)."""

from .. import signals
from .evaluation import refresh_patient


def _refresh(patient, *, now, **_):
    refresh_patient(patient, now=now)


def connect():
    """Called by ``create_app``; connecting twice connects once."""
    # A change of the entries, sessions, baseline or zone: re-evaluate in the same transaction.
    signals.patient_data_changed.connect(_refresh)
    # A new patient: the worklist lists them from now on.
    signals.patient_registered.connect(_refresh)
