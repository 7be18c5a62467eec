"""Accuracy of continuous TV/KL against the width of the end slivers (distances.quadrature).

For each relative sliver width, prints ``actual error / error estimate`` of four values
with closed forms; a ``!`` marks an estimate below the actual error (dishonest). Run from
the project root: ``python benchmarks/bench_continuous_tails.py``.
"""

import math

from scipy import special, stats

import distances.continuous as C
import distances.quadrature as Qd

KL_BB = (special.betaln(.5, .5) - special.betaln(.2, .1) + (.2 - .5) * special.digamma(.2)
         + (.1 - .5) * special.digamma(.1) + (.5 - .2 + .5 - .1) * special.digamma(.3))
XM = (1.0 - math.sqrt(1.0 - 4.0 / math.pi**2)) / 2.0
CASES = [
    ("KL(B(.2,.1)||B(.5,.5))", C.kl_divergence_continuous, stats.beta(.2, .1),
     stats.beta(.5, .5), KL_BB),
    ("KL(B(1,.1)||U)", C.kl_divergence_continuous, stats.beta(1, .1), stats.uniform(),
     math.log(.1) + 9),
    ("TV(B(.5,.5),U)", C.total_variation_continuous, stats.beta(.5, .5), stats.uniform(),
     2.0 * (2.0 / math.pi * math.asin(math.sqrt(XM)) - XM)),
    ("KL(B(.5,.5)||U)", C.kl_divergence_continuous, stats.beta(.5, .5), stats.uniform(),
     math.log(4 / math.pi)),
]

if __name__ == "__main__":
    print("width  " + "  ".join(name for name, *_ in CASES))
    default = Qd._TAIL_REL
    for rel in (1e-4, 1e-5, 1e-6, 1e-7, 1e-8):
        Qd._TAIL_REL = rel
        cells = []
        for _, fn, P, Q, exact in CASES:
            r = fn(P, Q)
            err = r.value - exact
            cells.append(f"{err:+.1e}/{r.abserr:.1e}{'!' if abs(err) > r.abserr else ''}")
        print(f"{rel:.0e}  " + "  ".join(cells))
    Qd._TAIL_REL = default
