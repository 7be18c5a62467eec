"""``.. example1-slider::``: the paper's Example 1 with a slider over theta, offline.

The directive computes, when the page is built, the four distances between :math:`P_0` and
:math:`P_\\theta` on a grid of :math:`\\theta` (:func:`distances.paper.families.example1_distances`)
and the exact optimal plan between ``n`` points of each line with the same latent values
(:func:`distances.earth_mover_solution`), and writes them into the page as JSON beside a
plain HTML slider and an SVG drawing. A few lines of JavaScript redraw the picture from that
JSON when the slider moves: no server, no library, no network. ``docs/check_site.py`` moves
every ``input[type=range]`` of a page and fails it when nothing on the page changes.

Options: ``:points:`` (number of points per line, default 8), ``:steps:`` (grid intervals
over [-1, 1], default 40), ``:start:`` (initial theta, default 0.5).
"""

from __future__ import annotations

import json
from typing import ClassVar

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

__all__ = ["Example1Slider", "slider_data"]


def slider_data(points: int = 8, steps: int = 40) -> dict:
    """The numbers the slider shows: distances and plans on a grid of theta."""
    from distances import Discrete, earth_mover_solution
    from distances.paper.families import example1_distances, example1_sample

    thetas = np.round(np.linspace(-1.0, 1.0, steps + 1), 10)
    z = (np.arange(points) + 0.5) / points  # evenly spaced latent values in (0, 1)
    rows = []
    for theta in thetas:
        d = example1_distances(float(theta))
        em = earth_mover_solution(
            Discrete(example1_sample(0.0, z=z)),
            Discrete(example1_sample(float(theta), z=z)),
            method="network_simplex",
        )
        plan = [[int(i), int(j), round(float(em.plan[i, j]), 6)] for i, j in np.argwhere(em.plan)]
        rows.append(
            {
                "theta": float(theta),
                "w1": d.earth_mover,
                "js": d.js,
                "kl": "+inf" if np.isinf(d.kl_0_theta) else d.kl_0_theta,
                "tv": d.total_variation,
                "w1_samples": round(float(em.value), 12),
                "plan": plan,
            }
        )
    return {"z": z.tolist(), "rows": rows, "log2": float(np.log(2))}


_HTML = """
<div class="example1-slider" data-interactive="example1">
  <p class="example1-slider-control">
    <label for="{uid}-theta">Move the second line: &theta; = </label>
    <output id="{uid}-value" for="{uid}-theta">{start}</output>
    <input id="{uid}-theta" type="range" min="0" max="{steps}" step="1" value="{index}"
           aria-label="theta">
  </p>
  <svg id="{uid}-svg" viewBox="0 0 720 270" role="img"
       aria-label="The two lines with the optimal plan, and W1 and JS against theta">
    <g id="{uid}-lines"></g>
    <g id="{uid}-curves"></g>
  </svg>
  <table class="example1-slider-table">
    <thead><tr><th>W1 (closed form)</th><th>W1 (exact, {points} points a line)</th>
      <th>JS</th><th>KL</th><th>TV</th></tr></thead>
    <tbody><tr><td id="{uid}-w1"></td><td id="{uid}-w1s"></td><td id="{uid}-js"></td>
      <td id="{uid}-kl"></td><td id="{uid}-tv"></td></tr></tbody>
  </table>
  <script type="application/json" id="{uid}-data">{data}</script>
  <script>
  (function () {{
    const uid = "{uid}";
    const data = JSON.parse(document.getElementById(uid + "-data").textContent);
    const input = document.getElementById(uid + "-theta");
    const NS = "http://www.w3.org/2000/svg";
    const el = (name, attrs, text) => {{
      const e = document.createElementNS(NS, name);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      return e;
    }};
    // left panel: x in [-1.2, 1.2] -> [20, 320], y in [0, 1] -> [240, 30]
    const lx = (x) => 170 + 125 * x, ly = (y) => 240 - 210 * y;
    // right panel: theta in [-1, 1] -> [420, 700], value in [0, 1.05] -> [240, 30]
    const rx = (t) => 560 + 140 * t, ry = (v) => 240 - 200 * v;
    const curves = document.getElementById(uid + "-curves");
    curves.appendChild(el("line", {{x1: 420, y1: 240, x2: 700, y2: 240, class: "axis"}}));
    curves.appendChild(el("line", {{x1: 560, y1: 240, x2: 560, y2: 30, class: "axis"}}));
    curves.appendChild(el("text", {{x: 708, y: 245}}, "\u03b8"));
    curves.appendChild(el("text", {{x: 420, y: 260, "text-anchor": "middle"}}, "-1"));
    curves.appendChild(el("text", {{x: 560, y: 260, "text-anchor": "middle"}}, "0"));
    curves.appendChild(el("text", {{x: 700, y: 260, "text-anchor": "middle"}}, "1"));
    const pts = (f) => data.rows.map((r) => rx(r.theta) + "," + ry(f(r))).join(" ");
    curves.appendChild(el("polyline", {{points: pts((r) => r.w1), class: "w1"}}));
    const js = data.rows.filter((r) => r.theta !== 0);
    const half = (s) => js.filter((r) => s * r.theta > 0)
                          .map((r) => rx(r.theta) + "," + ry(r.js)).join(" ");
    curves.appendChild(el("polyline", {{points: half(-1), class: "js"}}));
    curves.appendChild(el("polyline", {{points: half(1), class: "js"}}));
    curves.appendChild(el("circle", {{cx: rx(0), cy: ry(0), r: 4, class: "js-dot"}}));
    curves.appendChild(el("text", {{x: 420, y: 18, class: "w1-label"}}, "W1 = |\u03b8|"));
    curves.appendChild(el("text", {{x: 700, y: 18, class: "js-label", "text-anchor": "end"}},
                          "JS = log 2 for \u03b8 \u2260 0"));
    const mw = el("circle", {{r: 6, class: "w1-dot"}});
    const mj = el("circle", {{r: 6, class: "js-now"}});
    curves.appendChild(mw); curves.appendChild(mj);
    const lines = document.getElementById(uid + "-lines");
    const fmt = (v) => (typeof v === "number" ? v.toFixed(4) : v);
    const draw = () => {{
      const r = data.rows[Number(input.value)];
      document.getElementById(uid + "-value").textContent = r.theta.toFixed(2);
      while (lines.firstChild) lines.removeChild(lines.firstChild);
      lines.appendChild(el("line", {{x1: 20, y1: 240, x2: 320, y2: 240, class: "axis"}}));
      lines.appendChild(el("line", {{x1: lx(0), y1: ly(0), x2: lx(0), y2: ly(1), class: "p0"}}));
      lines.appendChild(el("line", {{x1: lx(r.theta), y1: ly(0), x2: lx(r.theta), y2: ly(1),
                                     class: "pt"}}));
      for (const [i, j, mass] of r.plan) {{
        lines.appendChild(el("line", {{x1: lx(0), y1: ly(data.z[i]), x2: lx(r.theta),
                                       y2: ly(data.z[j]), class: "plan",
                                       "stroke-width": 1 + 12 * mass}}));
      }}
      for (const z of data.z) {{
        lines.appendChild(el("circle", {{cx: lx(0), cy: ly(z), r: 4, class: "p0-dot"}}));
        lines.appendChild(el("circle", {{cx: lx(r.theta), cy: ly(z), r: 4, class: "pt-dot"}}));
      }}
      lines.appendChild(el("text", {{x: lx(0) - 8, y: 22, "text-anchor": "end"}}, "P\u2080"));
      lines.appendChild(el("text", {{x: lx(r.theta) + 8, y: 22}}, "P\u03b8"));
      mw.setAttribute("cx", rx(r.theta)); mw.setAttribute("cy", ry(r.w1));
      mj.setAttribute("cx", rx(r.theta)); mj.setAttribute("cy", ry(r.js));
      document.getElementById(uid + "-w1").textContent = fmt(r.w1);
      document.getElementById(uid + "-w1s").textContent = fmt(r.w1_samples);
      document.getElementById(uid + "-js").textContent = fmt(r.js);
      document.getElementById(uid + "-kl").textContent = fmt(r.kl);
      document.getElementById(uid + "-tv").textContent = fmt(r.tv);
    }};
    input.addEventListener("input", draw);
    draw();
  }})();
  </script>
</div>
"""


class Example1Slider(SphinxDirective):
    """Example 1 with a slider over theta, drawn from numbers computed at build time."""

    option_spec: ClassVar[dict] = {
        "points": directives.positive_int,
        "steps": directives.positive_int,
        "start": float,
    }

    def run(self) -> list[nodes.Node]:
        points = self.options.get("points", 8)
        steps = self.options.get("steps", 40)
        start = self.options.get("start", 0.5)
        data = slider_data(points, steps)
        thetas = np.array([r["theta"] for r in data["rows"]])
        index = int(np.argmin(np.abs(thetas - start)))
        uid = f"example1-slider-{self.env.new_serialno('example1-slider')}"
        html = _HTML.format(
            uid=uid,
            steps=steps,
            index=index,
            start=f"{thetas[index]:.2f}",
            points=points,
            data=json.dumps(data, separators=(",", ":")).replace("</", "<\\/"),
        )
        return [nodes.raw("", html, format="html")]


def setup(app) -> dict:
    app.add_directive("example1-slider", Example1Slider)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
