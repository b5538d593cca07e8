"""Shared test setup: the repository root on sys.path and PuLP's v4 warnings as errors."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIOS = ROOT / "scenarios"

# PuLP 3.3 warns (DeprecationWarning) for every API that PuLP 4 removes; make them fail.
warnings.filterwarnings("error", category=DeprecationWarning, module=r"pulp(\..*)?")
