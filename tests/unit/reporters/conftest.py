from __future__ import annotations

import pytest
from reporter_samples import build_sample

from drift.model.results import Report


@pytest.fixture
def sample() -> Report:
    return build_sample()
