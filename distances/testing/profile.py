"""Hypothesis settings profiles for distance tests: no deadline, and a long run for CI.

The first W1 in dimension 2 or more imports POT (and its backends): seconds, not the
200 ms of hypothesis's default deadline, which then fails the first example of a correct
test. Distance tests also draw arrays and build measures, which can trip the ``too_slow``
health check on a loaded machine. :data:`distance_settings` removes both, and is
registered as the profile :data:`PROFILE` (``settings.load_profile("distances")``).

:data:`LONG_PROFILE` (``"distances-long"``) runs 1,000 examples per test, fresh ones on
every run (not derandomized): for a nightly or pre-release CI job, where rare bugs
(one pair in a few hundred) have ten times the chance to show, and a failure prints the
``@reproduce_failure`` blob that replays it. Pass it to the checks as
``check_distance(fn, kind, settings="distances-long")``.

Examples
--------
>>> from hypothesis import given, settings, strategies as st
>>> from distances.testing import distance_settings
>>> @settings(distance_settings, max_examples=10)
... @given(st.integers(0, 3))
... def test_small(n):
...     assert n <= 3
>>> test_small()
>>> settings.get_profile(PROFILE).deadline is None
True
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["LONG_PROFILE", "PROFILE", "distance_settings", "long_settings"]

#: The name the profile is registered under.
PROFILE = "distances"

#: The name of the long-run profile (1,000 examples, not derandomized).
LONG_PROFILE = "distances-long"

#: Settings for distance tests: ``deadline=None``, no ``too_slow``/``data_too_large``
#: health checks, 100 examples. Use it as a parent: ``settings(distance_settings, ...)``.
distance_settings = settings(
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

settings.register_profile(PROFILE, distance_settings)

#: Settings of the long run: :data:`distance_settings` with 1,000 examples, random.
long_settings = settings(distance_settings, max_examples=1000, derandomize=False)

settings.register_profile(LONG_PROFILE, long_settings)
