"""Property-based testing of distance code: strategies, ready-made checks, tolerances.

Test your own TV, KL, JS or W1 in one call (:func:`check_distance`, or one pytest test
per property with :func:`parametrize_distance_checks`), or write your own properties with
the strategies. Nothing here is imported by ``import distances``.

====================================  ==================================================
:func:`check_distance`                every property of a TV/KL/JS/W1 implementation
:func:`parametrize_distance_checks`   the same as one pytest test per property
:func:`list_checks`                   the properties, their kinds and input forms
:func:`raw_measures`                  ``(atoms, weights)`` arrays as user code gets them
:func:`raw_pairs`                     two of them, in every relation and dimension
:func:`probability_vectors`           weights ``>= 0`` summing to 1
:func:`probability_vector_pairs`      two of them of one length
:func:`discrete_measures`             :class:`~distances.Discrete` measures
:func:`measure_tuples`                k measures of one dimension
:func:`shared_support_pairs`          two measures on the same atoms
:func:`disjoint_support_pairs`        two measures with no atom in common
:func:`vector_pairs`                  two probability vectors (``input="vectors"``)
:data:`distance_settings`             hypothesis settings without a deadline
:data:`LONG_PROFILE`                  the profile of a long run (1,000 examples)
:mod:`~distances.testing.boundaries`  where the draws aim: tiny masses, huge coordinates
====================================  ==================================================

Importing this module registers the hypothesis profile ``"distances"`` and strategies
for :class:`~distances.Discrete`, :class:`RawMeasure` and :class:`RawPair`, so
``st.from_type(Discrete)`` works.
"""

from . import boundaries, tolerances
from .boundaries import BOUNDARIES
from .cases import RawMeasure, RawPair
from .checks import (
    FORMS,
    MAX_DIM,
    CheckInfo,
    CheckReport,
    DistanceCheck,
    DistanceCheckFailure,
    check_distance,
    distance_checks,
    list_checks,
    parametrize_distance_checks,
)
from .profile import LONG_PROFILE, PROFILE, distance_settings
from .raw import RELATIONS, raw_measures, raw_pairs
from .strategies import (
    GRID_HALF_WIDTH,
    discrete_measures,
    disjoint_support_pairs,
    measure_tuples,
    probability_vector_pairs,
    probability_vectors,
    shared_support_pairs,
)
from .vectors import vector_pairs

__all__ = [
    "BOUNDARIES",
    "FORMS",
    "GRID_HALF_WIDTH",
    "LONG_PROFILE",
    "MAX_DIM",
    "PROFILE",
    "RELATIONS",
    "CheckInfo",
    "CheckReport",
    "DistanceCheck",
    "DistanceCheckFailure",
    "RawMeasure",
    "RawPair",
    "boundaries",
    "check_distance",
    "discrete_measures",
    "disjoint_support_pairs",
    "distance_checks",
    "distance_settings",
    "list_checks",
    "measure_tuples",
    "parametrize_distance_checks",
    "probability_vector_pairs",
    "probability_vectors",
    "raw_measures",
    "raw_pairs",
    "shared_support_pairs",
    "tolerances",
    "vector_pairs",
]
