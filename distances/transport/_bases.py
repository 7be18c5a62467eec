r"""First bases for the network simplex of :mod:`distances.transport._simplex` (compiled, numba).

A basis of the transport problem between n supplies and m demands is a spanning tree of
the bipartite graph (n + m - 1 arcs) whose flows meet the marginals. Two constructions:

* :func:`northwest_corner`: the north-west-corner plan of the masses in a given order
  (the sparse solver takes the order of the projections on the principal axis);
* :func:`refine_basis`: a coarse plan (between cells of nearby points) refined into a
  plan of the points: each cell's points share its coarse arcs by north-west corners, and
  each coarse arc's shares of its two cells are matched by a north-west corner. The pieces
  form a forest (a north-west corner is a staircase, and the coarse plan a tree); arcs of
  mass 0 join its components into a spanning tree (:func:`span`).

Private module: importing it imports numba.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._jit import kernel

__all__ = ["northwest_corner", "refine_basis", "span"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]



@kernel
def _northwest(a, b):
    """The north-west-corner plan of a (n) and b (m) in the given order: n + m - 1
    pieces (some of them of mass 0 where cumulative masses meet), a spanning tree."""
    n, m = a.shape[0], b.shape[0]
    rows = np.empty(n + m - 1, np.int64)
    cols = np.empty(n + m - 1, np.int64)
    mass = np.empty(n + m - 1, np.float64)
    i, j, k = 0, 0, 0
    ra, rb = a[0], b[0]
    while k < n + m - 1:
        rows[k], cols[k] = i, j
        if (ra <= rb and i < n - 1) or j == m - 1:
            mass[k] = ra
            rb = max(rb - ra, 0.0)
            i += 1
            if i < n:
                ra = a[i]
        else:
            mass[k] = rb
            ra = max(ra - rb, 0.0)
            j += 1
            if j < m:
                rb = b[j]
        k += 1
    return rows, cols, mass

@kernel
def _nw_pieces(sup, dem):
    """North-west corner between two mass lists: (supply index, demand index, mass) of
    the pieces, zero-mass pieces dropped."""
    p, q = sup.shape[0], dem.shape[0]
    si = np.empty(p + q, np.int64)
    di = np.empty(p + q, np.int64)
    mass = np.empty(p + q)
    i, j, k = 0, 0, 0
    ra, rb = sup[0], dem[0]
    while i < p and j < q:
        g = min(ra, rb)
        if g > 0:
            si[k], di[k], mass[k] = i, j, g
            k += 1
        ra -= g
        rb -= g
        if ra <= rb or j == q - 1:
            i += 1
            if i < p:
                ra = sup[i]
        else:
            j += 1
            if j < q:
                rb = dem[j]
    return si[:k], di[:k], mass[:k]


@kernel
def _split_cells(mass, order, size, arc_cell, arc_flow):
    """Split each cell's coarse arcs among its points by a north-west corner: pieces
    (point, coarse arc, mass). Points of cell c are order[c*size : (c+1)*size]."""
    n = mass.shape[0]
    k_arcs = arc_cell.shape[0]
    by_cell = np.argsort(arc_cell, kind="mergesort")
    out_p = np.empty(n + k_arcs, np.int64)
    out_k = np.empty(n + k_arcs, np.int64)
    out_m = np.empty(n + k_arcs)
    cnt = 0
    start = 0
    while start < k_arcs:
        c = arc_cell[by_cell[start]]
        stop = start
        while stop < k_arcs and arc_cell[by_cell[stop]] == c:
            stop += 1
        pts = order[c * size : min((c + 1) * size, n)]
        arcs = by_cell[start:stop]
        si, di, pm = _nw_pieces(mass[pts], arc_flow[arcs])
        for t in range(si.shape[0]):
            out_p[cnt], out_k[cnt], out_m[cnt] = pts[si[t]], arcs[di[t]], pm[t]
            cnt += 1
        start = stop
    return out_p[:cnt], out_k[:cnt], out_m[:cnt]


@kernel
def _refine(a, b, ox, oy, size, arc_i, arc_j, arc_f):
    """A feasible fine plan from a coarse one, as a forest: each cell's points share its
    coarse arcs by north-west corners, then each coarse arc's share of the points of its
    two cells are matched by a north-west corner."""
    xp, xk, xm = _split_cells(a, ox, size, arc_i, arc_f)
    yp, yk, ym = _split_cells(b, oy, size, arc_j, arc_f)
    xs = np.argsort(xk, kind="mergesort")
    ys = np.argsort(yk, kind="mergesort")
    total = xp.shape[0] + yp.shape[0]
    rows = np.empty(total, np.int64)
    cols = np.empty(total, np.int64)
    mass = np.empty(total)
    cnt = 0
    s1 = 0
    s2 = 0
    while s1 < xs.shape[0] and s2 < ys.shape[0]:
        k = xk[xs[s1]]
        e1 = s1
        while e1 < xs.shape[0] and xk[xs[e1]] == k:
            e1 += 1
        while s2 < ys.shape[0] and yk[ys[s2]] < k:
            s2 += 1
        e2 = s2
        while e2 < ys.shape[0] and yk[ys[e2]] == k:
            e2 += 1
        if e2 > s2:
            px = xs[s1:e1]
            py = ys[s2:e2]
            si, di, pm = _nw_pieces(xm[px], ym[py])
            for t in range(si.shape[0]):
                rows[cnt], cols[cnt], mass[cnt] = xp[px[si[t]]], yp[py[di[t]]], pm[t]
                cnt += 1
        s1, s2 = e1, e2
    return rows[:cnt], cols[:cnt], mass[:cnt]


@kernel
def span(n, m, rows, cols, mass):
    """Complete a forest of arcs to a spanning tree of the bipartite graph with arcs of
    mass 0. Returns the tree, or arrays of size 0 when the arcs hold a cycle."""
    parent = np.arange(n + m)
    total = n + m - 1
    if rows.shape[0] > total:
        return rows[:0], cols[:0], mass[:0]
    out_r = np.empty(total, np.int64)
    out_c = np.empty(total, np.int64)
    out_m = np.zeros(total)
    k = 0
    for t in range(rows.shape[0]):
        u, w = rows[t], n + cols[t]
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        while parent[w] != w:
            parent[w] = parent[parent[w]]
            w = parent[w]
        if u == w:
            return rows[:0], cols[:0], mass[:0]
        parent[u] = w
        out_r[k], out_c[k], out_m[k] = rows[t], cols[t], mass[t]
        k += 1
    # join the components to the one of row 0, by arcs of mass 0 to its row or column
    root = np.empty(n + m, np.int64)
    for u in range(n + m):
        w = u
        while parent[w] != w:
            w = parent[w]
        root[u] = w
    rep_row = np.full(n + m, -1, np.int64)
    rep_col = np.full(n + m, -1, np.int64)
    for i in range(n):
        rep_row[root[i]] = i
    for j in range(m):
        rep_col[root[n + j]] = j
    main = root[0]
    if rep_col[main] < 0:  # row 0 alone: give it column 0's component
        out_r[k], out_c[k] = 0, 0
        k += 1
        other = root[n]
        rep_col[main] = 0
        root_of_other = other
        for u in range(n + m):
            if root[u] == root_of_other:
                root[u] = main
        rep_row[other] = -1
        rep_col[other] = -1
    tree_row, tree_col = rep_row[main], rep_col[main]
    for c in range(n + m):
        if c == main or (rep_row[c] < 0 and rep_col[c] < 0):
            continue
        if rep_row[c] >= 0:
            out_r[k], out_c[k] = rep_row[c], tree_col
        else:
            out_r[k], out_c[k] = tree_row, rep_col[c]
        k += 1
    return out_r[:k], out_c[:k], out_m[:k]


def refine_basis(
    a: FloatArray, b: FloatArray, ox: IntArray, oy: IntArray, size: int,
    arc_i: IntArray, arc_j: IntArray, arc_f: FloatArray,
) -> tuple[IntArray, IntArray, FloatArray] | None:
    """A first basis for the fine problem from the solution of the coarse one (cells of
    ``size`` consecutive points in the orders ``ox``, ``oy``; coarse arcs ``arc_i`` ->
    ``arc_j`` with flows ``arc_f``): a feasible plan whose arcs form a spanning tree
    (completed with arcs of mass 0), or None if the construction met a cycle."""
    rows, cols, mass = _refine(a, b, ox, oy, int(size), arc_i, arc_j, arc_f)
    rows, cols, mass = span(a.size, b.size, rows, cols, mass)
    if rows.size != a.size + b.size - 1:
        return None
    return rows, cols, mass


def northwest_corner(a: FloatArray, b: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """The north-west-corner plan of ``a`` and ``b`` taken in the given order: ``n + m - 1``
    pieces (rows, columns, masses), a spanning tree of the bipartite graph."""
    return _northwest(np.ascontiguousarray(a, float), np.ascontiguousarray(b, float))
