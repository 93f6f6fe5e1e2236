"""``DIARY_RELIEF_PARAMS`` as the relief engine's ReliefParams, parsed once per configured value.

The parsing itself lives next to ``ReliefParams`` (diary/relief/params.py).
"""

import json

from flask import current_app

from .. import relief

# Parsed beside ReliefParams, in the pure package (``rules=v1`` picks the first rules, v1 in docs/relief.md).
parse_relief_params = relief.parse_relief_params


def relief_params(app=None) -> relief.ReliefParams:
    """The app's ReliefParams, parsed once per configured value."""
    app = app or current_app
    raw = app.config.get("RELIEF_PARAMS")
    key = json.dumps(raw, sort_keys=True, default=str)
    cached = app.extensions.get("diary_relief_params")
    if cached is None or cached[0] != key:
        cached = app.extensions["diary_relief_params"] = (key, parse_relief_params(raw))
    return cached[1]
