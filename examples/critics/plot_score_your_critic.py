r"""
Score your critic on the W1 benchmark's own pairs
=================================================

Korotin, Kolesov and Burnaev (2022) built pairs :math:`(P, Q)` whose optimal critic :math:`u`
is known, so any critic can be scored against it: its value against the true :math:`W_1`, and
its *gradient* against :math:`\nabla u` (what a generator step uses). Their 28 stored pairs ship
with this package (:func:`wgan.benchmark.load_anchor_pair`), and
:func:`wgan.benchmark.evaluate_critic` scores any torch callable :math:`x \mapsto f(x)` the way
their code does (4096 + 4096 fresh points), with 95 % intervals from the scoring sample.

Here three critics are scored on their 2-D pair with 4 funnels: the optimal one (a check of
the scorer), a small Lipschitz-penalty network trained briefly by hand, and the exact-OT critic
(:func:`wgan.benchmark.fit_exact_ot_critic`: the certified discrete W1 of N independent
samples per side, its potential extended by McShane). Their best published cosine on this
pair is drawn beside them.
"""

# %%
# The knobs.
DIM, FUNNELS = 2, 4  # one of their pairs: dim in 2 ... 128, funnels in 4, 16, 64, 256
STEPS = 300  # steps of the hand-trained critic (theirs trained 40 000)
N_OT = 1024  # samples per side of the exact-OT critic
N_SCORE = 2048  # scoring points per side (theirs: 4096)
SEED = 0

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from wgan.benchmark import anchor_best, evaluate_critic, fit_exact_ot_critic, load_anchor_pair
from wgan.lipschitz import lipschitz_penalty

pair = load_anchor_pair(DIM, FUNNELS, n_mc=2**15)
print(f"{pair.name}: W1 = {pair.w1:.4f} +- {pair.w1_stderr:.4f}")

# %%
# Your critic: any module (or function) of x. This one is trained here with the Lipschitz
# penalty for a few hundred steps.
torch.manual_seed(SEED)
net = nn.Sequential(nn.Linear(DIM, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                    nn.Linear(64, 1))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.0, 0.9))
gen = torch.Generator().manual_seed(SEED)
for _ in range(STEPS):
    x, y = pair.sample_p(256, gen), pair.sample_q(256, gen)
    loss = -(net(x).mean() - net(y).mean()) + 10 * lipschitz_penalty(net, x, y, gen)
    opt.zero_grad()
    loss.backward()
    opt.step()

critics = {
    "optimal u": pair.potential,
    f"LP net, {STEPS} steps": net,
    f"exact OT, N = {N_OT}": fit_exact_ot_critic(pair, N_OT, seed=SEED,
                                                 temperatures=(0.0,)).critic,
}
scores = {name: evaluate_critic(c, pair, n=N_SCORE, seed=SEED) for name, c in critics.items()}
for name, s in scores.items():
    print(f"{name:>22}: value error {s.raw_error:+.1%} [{s.raw_error_ci[0]:+.1%}, "
          f"{s.raw_error_ci[1]:+.1%}], cosine {s.cosine:.3f} [{s.cosine_ci[0]:.3f}, "
          f"{s.cosine_ci[1]:.3f}], K {s.lipschitz:.2f}")

# %%
# The gradient cosine (1 is perfect) with its 95 % scoring interval, beside the best
# published cosine on this pair.
theirs = anchor_best(DIM, FUNNELS)
fig, ax = plt.subplots(figsize=(6.5, 3.2), layout="constrained")
names = list(scores)
cos = [scores[n].cosine for n in names]
err = [[c - scores[n].cosine_ci[0] for n, c in zip(names, cos, strict=True)],
       [scores[n].cosine_ci[1] - c for n, c in zip(names, cos, strict=True)]]
ax.barh(names, cos, xerr=err, color=["0.6", "C2", "C3"], capsize=4)
ax.axvline(theirs.cosine, color="k", ls="--",
           label=f"their best: {theirs.method} {theirs.cosine:.3f}")
ax.set(xlim=(0, 1.02), xlabel="E_Q cos(grad f, grad u)", title=f"{pair.name}")
ax.legend(loc="lower left", fontsize=8)
plt.show()
