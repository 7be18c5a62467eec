"""The WGAN library computes and returns objects: no files, no global torch state left changed."""

from __future__ import annotations

import torch

from wgan.device import torch_threads
from wgan.experiments import example1_learning, figure2_data


def test_experiments_write_nothing_and_restore_torch_threads(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    torch.set_num_threads(2)  # what a caller chose; the conftest restores its own after
    data = figure2_data(quick=True)
    assert torch.get_num_threads() == 2
    learned = example1_learning(quick=True)
    assert torch.get_num_threads() == 2
    assert list(tmp_path.iterdir()) == []
    assert data["x"].shape == (401,) and learned["theta_wgan"].shape == (60,)


def test_torch_threads_restores_after_an_error() -> None:
    torch.set_num_threads(2)
    try:
        with torch_threads(1):
            assert torch.get_num_threads() == 1
            raise RuntimeError("inside")
    except RuntimeError:
        pass
    assert torch.get_num_threads() == 2
