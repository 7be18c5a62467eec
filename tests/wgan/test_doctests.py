"""The examples in the docstrings of the wgan modules run and give what they say.

pyproject's testpaths collect doctests of ``distances`` only; these modules are run here.
"""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["wgan.config", "wgan.data", "wgan.critic", "wgan.train",
                                  "wgan.app.heartbeat"])
def test_module_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
