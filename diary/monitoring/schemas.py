from marshmallow import Schema, ValidationError, fields, validate

from .. import gad7, relief
from ..accounts.models import ACTIVE, DISCHARGED, PAUSED
from ..fields import LocalDate, UTCDateTime, page_limit
from ..i18n import N_, request_language
from ..localtime import utc_text
from ..treatments.schemas import TreatmentSchema
from .flags import NOTE_REQUIRED_KINDS, undo_until
from .models import FLAG_KINDS, FLAG_STATUSES
from .safety import in_readers_words
from .worklist import WORKLIST_FILTERS


class FlagSchema(Schema):
    id = fields.UUID()
    patient_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(FLAG_KINDS))
    status = fields.String(validate=validate.OneOf(FLAG_STATUSES))
    raised_on = fields.Date(metadata={"description": "The patient's local date the rule fired on"})
    raised_at = UTCDateTime(
        metadata={"description": "When the app raised it (later than raised_on for backfilled data)"}
    )
    details = fields.Method(
        "_details",
        metadata={
            "type": "object",
            "description": "The rule's numbers (docs/relief.md); urgent carries its reasons and "
            "not_a_risk_assessment: true; safety its answer (0..3) and answer_label, in the reader's language",
        },
    )
    acknowledged_by = fields.UUID(
        attribute="acknowledged_by_id", allow_none=True, metadata={"description": "The provider's id"}
    )
    acknowledged_at = UTCDateTime(allow_none=True)
    acknowledged_by_name = fields.String(
        allow_none=True, metadata={"description": "Beyond the first contract: who acknowledged it, by name"}
    )
    acknowledge_note = fields.String(
        allow_none=True,
        metadata={"description": "Beyond the first contract: the note given when acknowledging, or null"},
    )
    note_required = fields.Method(
        "_note_required",
        metadata={"description": "Beyond the first contract: acknowledging it needs a note (safety)"},
    )
    undo_until = fields.Method(
        "_undo_until",
        allow_none=True,
        metadata={
            "description": "Beyond the first contract: until when its acknowledgement can be undone "
            "(UTC, ISO 8601), or null"
        },
    )
    resolved_at = UTCDateTime(allow_none=True)
    resolution = fields.String(
        allow_none=True,
        metadata={
            "description": "Why it resolved (beyond the first contract): new_cycle, logging_resumed, superseded, "
            "withdrawn (the changed data no longer raise it; it reopens if they do again), "
            "discharged (the patient was discharged or closed their account)"
        },
    )

    def _details(self, flag):
        return in_readers_words(flag.details, request_language())

    def _note_required(self, flag):
        return flag.kind in NOTE_REQUIRED_KINDS

    def _undo_until(self, flag):
        until = undo_until(flag.status, flag.acknowledged_at)
        return None if until is None else utc_text(until)


class FlagListSchema(Schema):
    items = fields.List(fields.Nested(FlagSchema))


class FlagQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(FLAG_STATUSES))


def _no_nul(text):
    if "\x00" in text:  # PostgreSQL text cannot hold it
        raise ValidationError(N_("Remove the NUL character."))


class AcknowledgeSchema(Schema):
    note = fields.String(
        allow_none=True,
        validate=[validate.Length(max=2000), _no_nul],
        metadata={
            "description": "What was done (e.g. called, booked for Tuesday): shown with the flag and on the "
            "worklist; required for a safety flag"
        },
    )


class ForecastSchema(Schema):
    predicted_wear_off_date = fields.Date(metadata={"description": "The median of the forecast"})
    interval_80 = fields.List(fields.Date(), metadata={"description": "The 10 % and 90 % quantiles"})
    suggested_session_by = fields.Date(metadata={"description": "A low quantile (suggest_quantile)"})
    expected_duration = fields.Integer(metadata={"description": "Days from the last session to the median"})
    basis = fields.String(allow_none=True)
    sources = fields.List(
        fields.String(), metadata={"description": "own_cycles, clinic or default_prior, scores"}
    )
    why = fields.String(metadata={"description": "Plain English, for the care team"})
    why_parts = fields.List(
        fields.Dict(),
        metadata={
            "description": "The same as facts, for words in the reader's language: each has a part "
            "(observed, censored, clinic_prior, typical_prior, rising, not_rising) and its numbers "
            "(docs/relief.md)"
        },
    )


class AssessmentSchema(Schema):
    status = fields.String(validate=validate.OneOf(relief.STATUSES))
    last_session_date = fields.Date(allow_none=True)
    baseline = fields.Float(allow_none=True, metadata={"description": "B: the level before treatment"})
    baseline_source = fields.String(
        allow_none=True,
        metadata={
            "description": "Beyond the contract: daily_run_in, intake, daily_before_course or gad7 (docs/relief.md)"
        },
    )
    nadir = fields.Float(
        allow_none=True,
        metadata={"description": "N: the lowest median of up to 7 scores in the cycle (not a single score)"},
    )
    threshold = fields.Float(
        allow_none=True, metadata={"description": "W: relief counts as fading at scores at or above it"}
    )
    current = fields.Float(
        allow_none=True, metadata={"description": "S(t): the median of the latest 3 scores"}
    )
    regained_fraction = fields.Float(
        allow_none=True,
        metadata={
            "description": "(current - N) / (B - N): the share of the improvement LOST"
            " (0 at the best level, 1 back at the baseline)"
        },
    )
    days_since_session = fields.Integer(allow_none=True)
    predicted_wear_off_date = fields.Date(allow_none=True)
    prediction_basis = fields.String(
        allow_none=True, validate=validate.OneOf((relief.HISTORY, relief.TREND, relief.PRIOR))
    )
    suggested_session_by = fields.Date(allow_none=True)
    forecast = fields.Nested(
        ForecastSchema,
        allow_none=True,
        metadata={
            "description": "Beyond the contract: the relief engine's forecast (v2), with the reasons in plain words"
        },
    )
    notices = fields.List(
        fields.String(),
        metadata={"description": "no_baseline, baseline_from_intake, baseline_from_course, cycle_inactive"},
    )


class DaySchema(Schema):
    date = fields.Date(metadata={"description": "A local date with at least one check-in"})
    score = fields.Integer(metadata={"description": "The total of the latest check-in of that date"})
    severity = fields.String(validate=validate.OneOf(gad7.SEVERITIES))
    entries = fields.Integer(
        metadata={"description": "How many check-ins that date has (GET .../entries lists them)"}
    )


class MixedDaySchema(DaySchema):
    instrument = fields.String(
        validate=validate.OneOf(gad7.INSTRUMENT_CODES),
        metadata={"description": "Beyond the contract: the instrument of that date's latest check-in"},
    )


class PatientStatusSchema(Schema):
    """A patient's status, in the timeline's patient and the answers of discharge and readmit."""

    status = fields.String(
        validate=validate.OneOf((ACTIVE, PAUSED, DISCHARGED)),
        metadata={"description": "active, paused (no reminders before paused_until) or discharged"},
    )
    # Strings: the timeline's patient is built as JSON values (timeline.patient_json).
    paused_until = fields.String(
        allow_none=True,
        metadata={
            "format": "date",
            "description": "No reminders before this local date (set by the patient)",
        },
    )
    status_changed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    discharge_reason = fields.String(allow_none=True)
    closed_by_patient = fields.Boolean(
        metadata={
            "description": "The patient closed the account (and counts as discharged); the record stays"
        }
    )


class HomeDoseScheduleSchema(Schema):
    max_doses = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(0, 50),
        metadata={"description": "At most this many doses the patient records themselves..."},
    )
    per_days = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, 90),
        metadata={"description": "...in any this many days (e.g. 7)"},
    )


class TimelinePatientSchema(PatientStatusSchema):
    id = fields.UUID()
    name = fields.String()
    timezone = fields.String()
    intake_baseline = fields.Integer(
        allow_none=True,
        metadata={
            "description": "The clinician's intake GAD-7, if given (else the engine uses a standard GAD-7 taken before the first session)"
        },
    )
    home_dose_schedule = fields.Nested(
        HomeDoseScheduleSchema,
        allow_none=True,
        metadata={"description": "The care team's home-dose schedule, or null when none is set"},
    )
    email_reminders_failing = fields.Boolean(
        metadata={
            "description": "A reminder to the patient was refused for good (a 5xx): email reminders fail"
        }
    )


class TimelineSchema(Schema):
    patient = fields.Nested(TimelinePatientSchema)
    days = fields.List(
        fields.Nested(MixedDaySchema),
        metadata={
            "description": "Every check-in, whichever instrument: the latest of each date and how many "
            "that date has; only dates with one, ascending"
        },
    )
    daily = fields.List(
        fields.Nested(DaySchema),
        metadata={
            "description": "Beyond the contract: the daily check-ins (a 24-hour adaptation of the GAD-7, "
            "not validated), the series the relief engine reads: only dates with one, ascending"
        },
    )
    standard = fields.List(
        fields.Nested(DaySchema),
        metadata={
            "description": "The standard GAD-7 (two weeks, validated), its own series: only dates with one, ascending"
        },
    )
    treatments = fields.List(
        fields.Nested(TreatmentSchema), metadata={"description": "Sessions dated in the range, ascending"}
    )
    flags = fields.List(
        fields.Nested(FlagSchema),
        metadata={
            "description": "Care team only (a patient gets []): flags raised in the range, "
            "and every one not resolved"
        },
    )
    assessment = fields.Nested(AssessmentSchema, metadata={"description": "As of the patient's local today"})


class TimelineQuerySchema(Schema):
    from_ = LocalDate(
        data_key="from", metadata={"description": "First local date, inclusive; default: 89 days before 'to'"}
    )
    to = LocalDate(
        metadata={
            "description": "Last local date, inclusive; default: the patient's today. "
            "At most 731 days in all."
        }
    )


class AcknowledgementSchema(Schema):
    kind = fields.String(validate=validate.OneOf(FLAG_KINDS))
    by = fields.String(allow_none=True, metadata={"description": "The acknowledger's name"})
    at = UTCDateTime()
    note = fields.String(allow_none=True)


class WorklistItemSchema(Schema):
    id = fields.UUID()
    patient_status = fields.String(
        validate=validate.OneOf((ACTIVE, PAUSED, DISCHARGED)),
        metadata={"description": "active, paused (no reminders before paused_until) or discharged"},
    )
    paused_until = fields.Date(allow_none=True)
    closed_by_patient = fields.Boolean(metadata={"description": "The patient closed the account"})
    name = fields.String()
    email = fields.String()
    timezone = fields.String(
        metadata={"description": "The patient's IANA zone: the worklist's dates and times are in it"}
    )
    last_entry_at = UTCDateTime(allow_none=True)
    latest_score = fields.Integer(allow_none=True)
    latest_severity = fields.String(allow_none=True, validate=validate.OneOf(gad7.SEVERITIES))
    status = fields.String(validate=validate.OneOf(relief.STATUSES))
    open_flags = fields.List(
        fields.String(validate=validate.OneOf(FLAG_KINDS)), metadata={"description": "Most urgent first"}
    )
    predicted_wear_off_date = fields.Date(allow_none=True)
    suggested_session_by = fields.Date(allow_none=True)
    prediction_basis = fields.String(
        allow_none=True,
        validate=validate.OneOf((relief.HISTORY, relief.TREND, relief.PRIOR)),
        metadata={
            "description": "What the forecast rests on: the patient's history, the trend, or the clinic prior"
        },
    )
    next_planned_session = UTCDateTime(
        allow_none=True, metadata={"description": "starts_at of the next planned session"}
    )
    next_planned_by = fields.String(
        allow_none=True,
        validate=validate.OneOf(("patient", "care_team")),
        metadata={"description": "Who booked the next planned session"},
    )
    session_due = fields.String(
        allow_none=True,
        validate=validate.OneOf(("overdue", "booked_after_wear_off", "booked")),
        metadata={
            "description": "overdue: suggested_session_by has passed with nothing booked; booked_after_wear_off: "
            "the next booking falls after the predicted wear-off"
        },
    )
    acknowledged = fields.Nested(
        AcknowledgementSchema,
        allow_none=True,
        metadata={
            "description": "The latest acknowledgement of the patient's flags still acknowledged (not resolved), "
            "with its note; null when there is none"
        },
    )
    new_reports = fields.Boolean(
        metadata={
            "description": "The patient wrote a note or reported a side effect that no one on the care team "
            "has seen yet: true until one of them opens the patient's timeline"
        }
    )
    new_reports_at = UTCDateTime(allow_none=True, metadata={"description": "When the latest one came"})


class WorklistSchema(Schema):
    items = fields.List(fields.Nested(WorklistItemSchema))
    next_cursor = fields.String(
        allow_none=True,
        metadata={"description": "Pass as ?cursor= for the next page; null on the last page"},
    )


class WorklistQuerySchema(Schema):
    limit = page_limit("Patients")
    cursor = fields.String(
        metadata={"description": "next_cursor of the previous page (with the same filter and q)"}
    )
    filter = fields.String(
        validate=validate.OneOf(WORKLIST_FILTERS),
        metadata={
            "description": "needs_action: any of the three others; open_flags; overdue: suggested_session_by "
            "before the patient's local today; nothing_booked: a suggested date and no planned session; "
            "discharged: the discharged patients alone (every other page leaves them out)"
        },
    )
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the patient's name, any case"},
    )


class OutcomesQuerySchema(Schema):
    from_ = LocalDate(
        data_key="from",
        metadata={"description": "First date a course may start on; default: 364 days before 'to'"},
    )
    to = LocalDate(
        metadata={"description": "Last date, inclusive; default: today (UTC). At most 10 years in all."}
    )


class KaplanMeierStepSchema(Schema):
    day = fields.Integer(metadata={"description": "Days after the course's last session"})
    survival = fields.Float(metadata={"description": "Share of cycles still in relief"})
    at_risk = fields.Integer()
    events = fields.Integer(metadata={"description": "Wear-offs on this day"})


class KaplanMeierSchema(Schema):
    group = fields.String(
        metadata={"description": "A course type (single_session, induction, maintenance) or a route"}
    )
    cycles = fields.Integer()
    wore_off = fields.Integer()
    censored = fields.Integer(
        metadata={"description": "Cycles ended by the next course, or still in relief today"}
    )
    median_days = fields.Integer(allow_none=True)
    longest_days = fields.Integer(
        metadata={"description": "The longest cycle, worn off or censored: where the curve ends"}
    )
    steps = fields.List(fields.Nested(KaplanMeierStepSchema))


class OutcomesSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    response_after_induction = fields.Dict(
        metadata={
            "description": "courses, responders (improvement >= 4 points and >= 50 % at the best level"
            " reached, the nadir), non_responders, not_assessable, response_rate; and the same rule on"
            " the daily score of a fixed day after the course: fixed_day (7),"
            " responders_at_fixed_day, non_responders_at_fixed_day, not_assessable_at_fixed_day,"
            " response_rate_at_fixed_day"
        }
    )
    relief_duration = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(KaplanMeierSchema)),
        metadata={"description": "by_course_type and by_route"},
    )
    maintenance_timing = fields.List(
        fields.Dict(),
        metadata={
            "description": "Per month: before_wear_off, after_wear_off, share_before (maintenance courses)"
        },
    )


class PatientPatchSchema(Schema):
    intake_baseline = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 21))
    home_dose_schedule = fields.Nested(
        HomeDoseScheduleSchema,
        allow_none=True,
        metadata={"description": "The home-dose schedule (null: none); more doses raise side_effect"},
    )


class DischargeSchema(Schema):
    reason = fields.String(
        validate=validate.Length(max=500), metadata={"description": "Why, for the care team (optional)"}
    )


class PatientSchema(PatientStatusSchema):
    id = fields.UUID()
    name = fields.String()
    timezone = fields.String()
    intake_baseline = fields.Integer(allow_none=True)
    home_dose_schedule = fields.Nested(HomeDoseScheduleSchema, allow_none=True)
    email_reminders_failing = fields.Boolean(
        metadata={
            "description": "A reminder to the patient was refused for good (a 5xx): email reminders fail"
        }
    )
