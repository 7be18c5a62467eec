"""The application: what ``wgan-theory`` writes and how ``reproduce`` judges.

Layers (imports point down only)::

    wgan.cli, wgan.app          the command line; reproduce; the one artifacts writer
    wgan (library), distances.paper
                                WGAN training and experiments; the paper's checks
    distances                   exact distances (numpy, scipy, POT)

:mod:`wgan.app.artifacts` is the only module that writes CSV, JSON, Markdown and figures;
:mod:`wgan.app.paper_outputs` and :mod:`wgan.app.wgan_outputs` compute with the libraries
and write through it; :mod:`wgan.app.reproduce` runs every stage and judges from the result
objects the libraries return, never from the files.
"""
