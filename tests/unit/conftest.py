"""Fast unit tests: no emulator, no subprocess, no network.

Hypothesis profiles (chosen with HYPOTHESIS_PROFILE, default `ci`):
- `ci`: derandomized, so every run explores the same examples; a few seconds in all.
- `deep`: many more random examples (`make verdicts-deep`); a failure prints the seed
  and the blob to reproduce it.
- `mutmut`: few examples and no shrinking, for `make mutate` (a killed mutant only
  needs one failing example, not the smallest one).
Settings loaded here apply to every hypothesis test of the run that does not set its own.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=5000,
    derandomize=False,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutmut",
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
