"""Monitoring's handlers of the signals lower features send (:mod:`diary.signals`)."""

from .. import signals
from . import safety, side_effects
from .evaluation import locked_summary, refresh_patient


def _refresh(patient, *, now, record=None, **_):
    if record is not None:  # a check-in or session stored: its side effects and home doses first
        locked_summary(patient, now)
        side_effects.check(patient, record, now=now)
    refresh_patient(patient, now=now)


def _entry_stored(patient, *, entry, created, now, **_):
    safety.entry_stored(patient, entry=entry, created=created, now=now)


def connect():
    """Called by ``create_app``; connecting twice connects once."""
    # A change of the entries, sessions, baseline or zone: re-evaluate in the same transaction.
    signals.patient_data_changed.connect(_refresh)
    # A safety answer above 0 opens a flag; a note or side effect marks the patient as new.
    signals.entry_stored.connect(_entry_stored)
    # A new patient: the worklist lists them from now on.
    signals.patient_registered.connect(_refresh)
