"""Test configuration shared by tests/ and the doctests of the packages.

Hypothesis profiles: ``ci`` is derandomized (the same examples on every run) and is
selected when the environment variable ``CI`` is set, or by ``HYPOTHESIS_PROFILE=ci``;
``dev`` (the default elsewhere) draws fresh examples each run.
"""

import os

import matplotlib
from hypothesis import HealthCheck, settings

matplotlib.use("Agg")  # no display in tests or CI

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
