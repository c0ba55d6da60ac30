"""Test-suite settings: hypothesis profiles.

``ci`` (chosen by ``.ci/run`` through ``HYPOTHESIS_PROFILE=ci``) derandomises every property test,
so a CI run is a fixed, repeatable set of examples; ``local`` (the default) draws new examples
each run, so that local runs keep exploring.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("local", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "local"))
