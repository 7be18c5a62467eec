"""Fixtures of the WGAN tests: one thread, a seeded generator."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    """Tests share 2 cores with other jobs: one torch thread each."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def gen() -> torch.Generator:
    return torch.Generator().manual_seed(1234)
