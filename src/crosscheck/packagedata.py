"""The one loader of the package's data files (``crosscheck/data``): each file read and parsed
once per process, whoever asks (cues.json serves the claim rules, the principals, the stance
cues and the proposition signatures). Callers treat what they get as read-only."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def data_json(name: str) -> Any:
    """``crosscheck/data/<name>`` parsed as JSON (a missing file raises FileNotFoundError)."""
    return json.loads(resources.files("crosscheck.data").joinpath(name).read_text("utf-8"))
