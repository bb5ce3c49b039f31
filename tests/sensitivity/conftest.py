"""Load this folder's invented reference data once, importable by the tests as
``sensitivity_reference`` (the tests run with ``--import-mode=importlib``, so a test module
cannot import a sibling file by name; pytest imports this conftest before them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("sensitivity_reference",
                                               Path(__file__).with_name("reference_data.py"))
_MODULE = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("sensitivity_reference", _MODULE)
_SPEC.loader.exec_module(_MODULE)
