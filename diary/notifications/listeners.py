"""Notifications' handlers of the signals lower features send (:mod:`diary.signals`)."""

from .. import signals
from .alerts import queue_alert_now
from .invites import queue_invite_email
from .password_resets import queue_password_reset_email
from .reminders import reschedule


def _reschedule(patient, *, now, changes=frozenset(), **_):
    # A readmitted patient's reminders resume with the next one, not the evening's they missed.
    reschedule(patient, now=now, catch_up="status" not in changes)


def _queue_invite(invite, *, now, **_):
    queue_invite_email(invite, now=now)


def _queue_password_reset(reset, *, token, now, **_):
    queue_password_reset_email(reset, token, now=now)


def _alert_now(patient, *, flag, now, **_):
    queue_alert_now(flag, now=now)


def connect():
    """Called by ``create_app``; connecting twice connects once."""
    # A new patient, or another reminder time, zone or switch: the next reminder moves.
    signals.patient_registered.connect(_reschedule)
    signals.settings_changed.connect(_reschedule)
    signals.invite_to_send.connect(_queue_invite)
    signals.password_reset_to_send.connect(_queue_password_reset)
    # A safety answer above 0: the care team hears of it now, not at the next pass.
    signals.safety_flag_raised.connect(_alert_now)
