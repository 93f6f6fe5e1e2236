"""``DIARY_RELIEF_PARAMS`` as the relief engine's ReliefParams, parsed once per configured value.

(This moves next to ``ReliefParams`` in the relief package.)
"""
import json
from typing import Mapping

from flask import current_app

from .. import relief


def parse_relief_params(value) -> relief.ReliefParams:
    """``DIARY_RELIEF_PARAMS`` (``"mcid=5,course_gap_days=6"``) or a mapping, as ReliefParams."""
    if isinstance(value, Mapping):
        return relief.ReliefParams.from_mapping(value)
    overrides = {}
    for part in (value or "").replace(";", ",").split(","):
        if not part.strip():
            continue
        name, sep, number = part.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"DIARY_RELIEF_PARAMS: expected name=value, not {part.strip()!r}")
        overrides[name.strip()] = number.strip()
    return relief.ReliefParams.from_mapping(overrides)


def relief_params(app=None) -> relief.ReliefParams:
    """The app's ReliefParams, parsed once per configured value."""
    app = app or current_app
    raw = app.config.get("RELIEF_PARAMS")
    key = json.dumps(raw, sort_keys=True, default=str)
    cached = app.extensions.get("diary_relief_params")
    if cached is None or cached[0] != key:
        cached = app.extensions["diary_relief_params"] = (key, parse_relief_params(raw))
    return cached[1]
