"""WGAN critics and generators on toy data, measured against exact W1 from :mod:`distances`."""
