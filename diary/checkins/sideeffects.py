"""Side effects and how bad they were: the one home of how check-ins and sessions take,
check and store them (docs/api.md, "Side effects").

A record keeps ``side_effects`` (codes, in the order given) and ``side_effect_severity``
(``{code: mild | moderate | severe}`` for the ones rated; old rows have ``{}``). Storing
them goes through :func:`store`, and the service that stored them says so with
``signals.patient_data_changed`` carrying the record, so whatever watches reports (the
side_effect flag's rules in monitoring/side_effects.py) sees every one of them.
"""

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from .. import gad7
from ..errors import validation_error
from ..i18n import N_

SEVERITIES = gad7.SIDE_EFFECT_SEVERITIES


def _no_repeats(values):
    if len(values) != len(set(values)):
        raise ValidationError(N_("List each side effect once."))


class SideEffects(fields.List):
    def __init__(self, **kwargs):
        super().__init__(
            fields.String(validate=validate.OneOf(gad7.SIDE_EFFECT_CODES)), validate=_no_repeats, **kwargs
        )


class SideEffectSeverity(fields.Dict):
    def __init__(self, **kwargs):
        super().__init__(
            keys=fields.String(validate=validate.OneOf(gad7.SIDE_EFFECT_CODES)),
            values=fields.String(validate=validate.OneOf(SEVERITIES)),
            allow_none=True,
            metadata={
                "description": "How bad each listed side effect was: mild, moderate or severe "
                "(optional; only side effects in side_effects)"
            },
            **kwargs,
        )


def store(record, data) -> bool:
    """Sets ``record``'s side effects and severities from ``data`` (a new record's or a PATCH's
    fields); returns whether they changed. A PATCH of the side effects alone keeps the
    severities of the ones still listed. A severity of a side effect not listed: 422."""
    if "side_effects" not in data and "side_effect_severity" not in data:
        return False
    effects = list(data["side_effects"] or []) if "side_effects" in data else list(record.side_effects or [])
    if "side_effect_severity" in data:
        severity = dict(data["side_effect_severity"] or {})
    else:
        severity = {
            code: level for code, level in (record.side_effect_severity or {}).items() if code in effects
        }
    stray = sorted(set(severity) - set(effects))
    if stray:
        raise validation_error(
            {
                "side_effect_severity": [
                    _("Rate only side effects you list: %(codes)s is not listed.", codes=", ".join(stray))
                ]
            }
        )
    changed = effects != list(record.side_effects or []) or severity != dict(
        record.side_effect_severity or {}
    )
    record.side_effects, record.side_effect_severity = effects, severity
    return changed


def same(record, data) -> bool:
    """Whether ``data``'s side effects and severities are ``record``'s (an idempotent repeat)."""
    return sorted(record.side_effects or []) == sorted(data.get("side_effects") or []) and dict(
        record.side_effect_severity or {}
    ) == dict(data.get("side_effect_severity") or {})
