"""The signals a feature sends to tell the features above it that something happened.

Dependencies point down (audit < accounts < admin < checkins < treatments < monitoring
< notifications < exports < demo): a lower feature never imports a higher one.
It sends one of these instead, and the higher feature connects its handlers
when the app is built (``create_app`` calls each listening feature's
``listeners.connect()``). Blinker is synchronous: a handler runs inside the
sender's transaction, before the sender goes on, and an exception in it
reaches the sender.

Every signal's sender is the :class:`~diary.accounts.models.Patient` (for
``invite_to_send``, the :class:`~diary.accounts.models.Invite`; for
``password_reset_to_send``, the :class:`~diary.accounts.models.PasswordReset`),
with ``now`` (the instant of the change) as a keyword argument.
"""

from blinker import Namespace

_signals = Namespace()

patient_data_changed = _signals.signal(
    "patient-data-changed",
    doc="The patient's check-ins, sessions, intake baseline, time zone or care team changed (flushed). "
    "``record``: the check-in or session stored or changed, when one was (not on a delete). "
    "Monitoring checks its side effects and home doses, then re-evaluates the patient.",
)
entry_stored = _signals.signal(
    "entry-stored",
    doc="A check-in was stored (``entry``; ``created``: new, else changed; flushed), sent before "
    "``patient_data_changed``. Monitoring opens a safety flag for a safety answer above 0 and marks "
    "a note or side effect as new on the worklist.",
)
safety_flag_raised = _signals.signal(
    "safety-flag-raised",
    doc="Monitoring opened a ``safety`` flag (``flag``, flushed). Notifications queue the care "
    "team's alert at once, not at the next pass.",
)
patient_registered = _signals.signal(
    "patient-registered",
    doc="A patient registered (flushed). Notifications schedule their reminders; monitoring lists them.",
)
invite_to_send = _signals.signal(
    "invite-to-send",
    doc="An invite with an email was made or resent (flushed; ``sends`` counts this one). "
    "Notifications queue the invitation email.",
)
password_reset_to_send = _signals.signal(
    "password-reset-to-send",
    doc="A password reset was issued to an active account (flushed; ``token``: the token itself, "
    "which only its hash outlives). Notifications queue the reset email.",
)
settings_changed = _signals.signal(
    "settings-changed",
    doc="The patient changed their settings (``changes``: the names changed, flushed). "
    "Notifications reschedule their reminders.",
)
