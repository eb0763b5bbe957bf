#!/usr/bin/python3
"""Reference values for `spill markov`: an independent numpy re-implementation
of PySAL giddy's definitions (Markov, Spatial_Markov, LISA_Markov, homogeneity,
chi2), written from the published formulas (Rey 2001; Bickenbach & Bode 2003;
Kemeny & Snell 1976), not from giddy's code.  Weights and spatial lags come
from libpysal (Debian python3-libpysal).

Writes tests/fixtures/markov/*.json: one object per case with the keys of
`spill markov --json` (transitions, p, n, steady_state, mfpt, prais, breaks,
lag_breaks, conditional[], homogeneity).  Also writes usjoin_long.csv, the
long form of libpysal's usjoin.csv with a discrete column q4.

Run: /usr/bin/python3 scripts/ref-markov.py   (numpy, scipy, libpysal)
"""
import csv
import json
import os
import sys

import numpy as np
from scipy import stats
import libpysal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "tests", "fixtures", "markov")


def jnum(v):
    v = float(v)
    return v if np.isfinite(v) else None


def jlist(a):
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return [jnum(v) for v in a]
    return [jlist(r) for r in a]


# ---- classes ---------------------------------------------------------------

def qbreaks(x, k):
    """Type-7 quantiles at c/k, c = 1..k-1, and the maximum."""
    return np.append(np.quantile(x, [c / k for c in range(1, k)]), np.max(x))


def assign(x, b):
    """First break >= x (classes closed on the right)."""
    return np.minimum(np.searchsorted(b, x, side="left"), len(b) - 1)


def classes(y, k, scheme, cutoffs=None):
    """y: t x n.  Returns classes (t x n) and the breaks."""
    if scheme == "period":
        b = np.array([qbreaks(row, k) for row in y])
        return np.array([assign(row, bb) for row, bb in zip(y, b)]), b
    if scheme == "pooled":
        b = qbreaks(y.ravel(), k)
        return assign(y, b), b
    b = np.append(np.asarray(cutoffs, float), np.inf)
    return assign(y, b), b


# ---- chains ----------------------------------------------------------------

def count(c, k, lag, lc=None, m=1):
    """Transitions s -> s + lag of classes c (t x n), by lag class at the origin."""
    a, b = c[:-lag].ravel(), c[lag:].ravel()
    l = np.zeros_like(a) if lc is None else lc[:-lag].ravel()
    ok = (a >= 0) & (b >= 0) & (l >= 0)
    T = np.zeros((m, k, k))
    np.add.at(T, (l[ok], a[ok], b[ok]), 1)
    return T


def closure(adj):
    """Reflexive transitive closure of a boolean matrix by repeated squaring."""
    R = adj | np.eye(len(adj), dtype=bool)
    while True:
        R2 = (R.astype(int) @ R.astype(int)) > 0
        if (R2 == R).all():
            return R
        R = R2


def stationary(P):
    """Stationary distribution of an irreducible stochastic matrix: the
    eigenvector of P' for the eigenvalue nearest 1."""
    w, v = np.linalg.eig(P.T)
    x = np.real(v[:, np.argmin(np.abs(w - 1))])
    return x / x.sum()


def chain(T, fill=False):
    k = len(T)
    n = T.sum(axis=1)
    p = np.zeros((k, k))
    for i in range(k):
        if n[i] > 0:
            p[i] = T[i] / n[i]
        elif fill:
            p[i, i] = 1
    prais = np.where(n > 0, 1 - np.diag(p), np.nan)
    active = (n > 0) | (T.sum(axis=0) > 0)
    F = p.copy()
    for i in range(k):
        if n[i] == 0:
            F[i] = 0
            F[i, i] = 1 if active[i] else 0
    R = closure(F > 0) & np.outer(active, active)
    comm = R & R.T
    steadies = []
    seen = set()
    for i in range(k):
        if not active[i] or i in seen:
            continue
        members = [j for j in range(k) if comm[i, j]]
        seen.update(members)
        if all(not R[i, j] or comm[i, j] for j in range(k)):     # closed
            x = np.zeros(k)
            x[members] = stationary(F[np.ix_(members, members)])
            steadies.append(x)
    M = mfpt(F, active, R)
    return {"transitions": T, "p": p, "n": n, "prais": prais,
            "steady_state": steadies[0] if len(steadies) == 1 else None,
            "steady_states": np.array(steadies), "mfpt": M}


def mfpt(F, active, R):
    k = len(F)
    idx = np.flatnonzero(active)
    Fa = F[np.ix_(idx, idx)]
    ka = len(idx)
    M = np.full((k, k), np.nan)
    if closure(Fa > 0).all():
        # ergodic: Kemeny & Snell, Z = (I - P + 1 pi')^-1, M = (I - Z + E Z_dg) D
        pi = stationary(Fa)
        Z = np.linalg.inv(np.eye(ka) - Fa + np.outer(np.ones(ka), pi))
        Ma = (np.eye(ka) - Z + np.ones((ka, ka)) @ np.diag(np.diag(Z))) @ np.diag(1 / pi)
        M[np.ix_(idx, idx)] = Ma
        return M
    for j in idx:
        # j hit with probability 1 from i: no path avoiding j to a state that cannot reach j
        G = F.copy()
        G[j] = 0
        Rg = closure(G > 0) & np.outer(active, active)
        lost = active & ~Rg[:, j]
        ok = [i for i in idx if i != j and not (Rg[i] & lost).any()]
        col = np.where(active, np.inf, np.nan)
        if ok:
            A = np.eye(len(ok)) - F[np.ix_(ok, ok)]
            col[ok] = np.linalg.solve(A, np.ones(len(ok)))
        others = [l for l in range(k) if l != j and F[j, l] > 0]
        col[j] = 1 + sum(F[j, l] * col[l] for l in others)
        M[:, j] = col
    return M


# ---- tests -----------------------------------------------------------------

def homogeneity(T):
    m, k, _ = T.shape
    pooled = T.sum(axis=0)
    ni = pooled.sum(axis=1)
    pij = np.divide(pooled, ni[:, None], out=np.zeros_like(pooled), where=ni[:, None] > 0)
    Q = LR = 0.0
    b = np.zeros(k)
    for l in range(m):
        nil = T[l].sum(axis=1)
        b += nil > 0
        for i in range(k):
            if nil[i] == 0:
                continue
            for j in range(k):
                pl = T[l, i, j] / nil[i]
                if pij[i, j] > 0:
                    Q += nil[i] * (pl - pij[i, j]) ** 2 / pij[i, j]
                if T[l, i, j] > 0 and pij[i, j] > 0:
                    LR += 2 * T[l, i, j] * np.log(pl / pij[i, j])
    a = (pij > 0).sum(axis=1)
    df = int(sum((b[i] - 1) * (a[i] - 1) for i in range(k) if b[i] > 0 and a[i] > 0))
    return {"Q": Q, "LR": LR, "df": df, "p_Q": stats.chi2.sf(Q, df), "p_LR": stats.chi2.sf(LR, df)}


def chi2(T1, T2):
    n1, n2 = T1.sum(axis=1), T2.sum(axis=1)
    E = np.array([n1[i] * T2[i] / n2[i] if n2[i] > 0 else np.zeros(len(T2))
                  for i in range(len(T2))])
    x2 = float((((T1 - E) ** 2) / np.where(E > 0, E, 1)).sum())
    df = int(((n1 > 0).sum() - 1) * ((n2 > 0).sum() - 1))
    return {"stat": x2, "df": df, "p": stats.chi2.sf(x2, df) if df > 0 else np.nan}


# ---- output ----------------------------------------------------------------

def chain_json(C):
    out = {key: jlist(C[key]) for key in ("transitions", "p", "n", "prais", "mfpt")}
    out["steady_state"] = None if C["steady_state"] is None else jlist(C["steady_state"])
    out["steady_states"] = jlist(C["steady_states"])
    return out


def spatial(y, c, k, w, scheme, m, lag=1, lag_cutoffs=None):
    """Spatial Markov: lag classes of W y at the origin, the conditional chains."""
    ly = np.array([libpysal.weights.lag_spatial(w, row) for row in y])
    if lag_cutoffs is not None:
        lc, lb = classes(ly, m, "cutoffs", lag_cutoffs)
    else:
        lc, lb = classes(ly, m, "pooled" if scheme == "pooled" else "period")
    out = conditional(c, lc, k, m, lag)
    out["lag_breaks"] = jlist(lb)
    return out


def conditional(c, lc, k, m, lag):
    """The chains conditioned on the lag classes lc, their chi2, the homogeneity tests."""
    T = count(c, k, lag, lc, m)
    Tc = count(c, k, lag)[0]
    s = chain(Tc)["steady_state"]
    cond = []
    x2 = {"stat": 0.0, "df": 0}
    for l in range(m):
        d = {"lag_class": l + 1}
        C = chain(T[l])
        d.update(chain_json(C))
        d["chi2"] = {key: jnum(v) for key, v in chi2(T[l], Tc).items()}
        d["shtest"] = shtest(s, C["steady_state"], T[l].sum())
        x2["stat"] += d["chi2"]["stat"]
        x2["df"] += max(d["chi2"]["df"], 0)
        cond.append(d)
    x2["p"] = jnum(stats.chi2.sf(x2["stat"], x2["df"]))
    return {"conditional": cond, "x2": x2,
            "homogeneity": {key: jnum(v) for key, v in homogeneity(T).items()}}


def lag_mode(w, c, k):
    """Weighted mode of the neighbours' classes; ties: own class if tied, else lowest."""
    t, n = c.shape
    out = np.full((t, n), -1)
    for s in range(t):
        for i in range(n):
            ws = np.zeros(k)
            key = w.id_order[i]
            for j, wij in zip(w.neighbors[key], w.weights[key]):
                ws[c[s, w.id2i[j]]] += wij
            if ws.max() <= 0:
                continue
            tied = np.flatnonzero(ws == ws.max())
            out[s, i] = c[s, i] if c[s, i] in tied else tied[0]
    return out


def case(name, y, k, scheme, lag=1, cutoffs=None, w=None, m=5, lag_cutoffs=None):
    c, b = classes(y, k, scheme, cutoffs)
    out = {"k": k, "breaks": jlist(b if scheme != "cutoffs" else b)}
    out.update(chain_json(chain(count(c, k, lag)[0])))
    if w is not None:
        out.update(spatial(y, c, k, w, scheme, m, lag, lag_cutoffs))
    write(name, out)


def write(name, out):
    with open(os.path.join(FIX, name + ".json"), "w") as f:
        json.dump(out, f, indent=1)


def shtest(s, S, nt):
    """Steady state of a lag class against the chain's (giddy _ssmnp_test):
    sum (nt S - nt s)^2 / (nt s) over the classes with s > 0."""
    if s is None or S is None or nt <= 0:
        return {"stat": None, "df": 0, "p": None}
    s, S = np.asarray(s), np.asarray(S)
    pos = s > 0
    if (S[~pos] > 0).any():
        return {"stat": None, "df": 0, "p": None}
    o, e = nt * S[pos], nt * s[pos]
    x2 = float(((o - e) ** 2 / e).sum())
    df = int(pos.sum() - 1)
    return {"stat": x2, "df": df, "p": jnum(stats.chi2.sf(x2, df))}


def binary_chain(h, lag=1):
    """2 x 2 transition probabilities of a 0/1 series (t x n, -1 none)."""
    T = count(h, 2, lag)[0]
    return T / np.where(T.sum(axis=1) > 0, T.sum(axis=1), 1)[:, None]


def lisa_independence(own, nb, q):
    """Own (0 H, 1 L) and neighbours' halves of the quadrants: their chains
    over the same transitions, the Kronecker product as in giddy
    (A kron(P_own, P_lag) A'), expected counts n_c kp_c. and giddy's chi2."""
    ok = q >= 0
    Po = binary_chain(np.where(ok, own, -1))
    Pl = binary_chain(np.where(ok, nb, -1))
    A = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]])  # HH LH LL HL
    kp = A @ np.kron(Po, Pl) @ A.T
    T = count(q, 4, 1)[0]
    E = np.diag(T.sum(axis=1)) @ kp
    out = chi2(T, E)
    out = {key: jnum(v) if key != "df" else v for key, v in out.items()}
    out["expected"] = jlist(E)
    return out


def giddy_lisa_chi2_as_coded(y, w):
    """giddy LISA_Markov.chi_2 transcribed from its code (markov.py): y is t x n
    here as there after its transpose; each unit is divided by its own mean over
    time and the (t x n) arrays go to Markov, which reads rows as units, so the
    'transitions' run across units.  Kept only to show that spill's test is not
    this one (docs/distribution.md); reproduces giddy's documented 1058.208."""
    ybar = y.mean(axis=0)
    r = y / ybar
    ylag = np.array([libpysal.weights.lag_spatial(w, yt) for yt in y])
    rlag = ylag / ybar
    def markov_p(c):                       # giddy Markov(c): rows units, columns time
        c = c.astype(int)                  # False (0), True (1) are the classes
        T = np.zeros((2, 2))
        np.add.at(T, (c[:, :-1].ravel(), c[:, 1:].ravel()), 1)
        return T / T.sum(axis=1)[:, None]
    A = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]])
    kp = A @ np.kron(markov_p(r < 1.0), markov_p(rlag < 1.0)) @ A.T
    t, n = y.shape
    q = np.zeros((t, n), int)
    for s in range(t):
        z = y[s] - y[s].mean()
        lz = libpysal.weights.lag_spatial(w, z)
        q[s] = np.where(z > 0, np.where(lz > 0, 0, 3), np.where(lz > 0, 1, 2))
    T = count(q, 4, 1)[0]
    return chi2(T, np.diag(T.sum(axis=1)) @ kp)["stat"]


def lisa_case(name, y, w):
    t, n = y.shape
    q = np.zeros((t, n), int)
    own = np.zeros((t, n), int)
    nb = np.zeros((t, n), int)
    for s in range(t):
        z = y[s] - y[s].mean()
        lz = libpysal.weights.lag_spatial(w, z)
        q[s] = np.where(z > 0, np.where(lz > 0, 0, 3), np.where(lz > 0, 1, 2))  # HH LH LL HL
        own[s] = np.where(z > 0, 0, 1)
        nb[s] = np.where(lz > 0, 0, 1)
    out = chain_json(chain(count(q, 4, 1)[0]))
    out["independence"] = lisa_independence(own, nb, q)
    write(name, out)


def discrete_case(name, d, w):
    states = np.unique(d)
    c = np.searchsorted(states, d)
    k = len(states)
    out = chain_json(chain(count(c, k, 1)[0]))
    out.update(conditional(c, lag_mode(w, c, k), k, k, 1))
    write(name, out)


def usjoin():
    rows = list(csv.reader(open(os.path.join(FIX, "usjoin.csv"))))
    years = rows[0][2:]
    pci = np.array([[float(v) for v in r[2:]] for r in rows[1:]]).T  # t x n
    return rows, years, pci


def main():
    rows, years, pci = usjoin()
    rpci = pci / pci.mean(axis=1, keepdims=True)
    q4, _ = classes(rpci, 4, "pooled")
    with open(os.path.join(FIX, "usjoin_long.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "name", "fips", "year", "pci", "q4"])
        for i, r in enumerate(rows[1:]):
            for s, yr in enumerate(years):
                out.writerow([i, r[0], r[1], yr, r[2 + s], q4[s, i] + 1])
    w = libpysal.io.open(os.path.join(FIX, "states48.gal")).read()
    w.transform = "r"
    order = [int(i) for i in w.id_order]      # the table's unit i is GAL id i
    pci, rpci, q4 = pci[:, order], rpci[:, order], q4[:, order]
    case("us_classic", pci, 5, "period")
    case("us_relative_lag3", rpci, 4, "period", lag=3)
    case("us_spatial_period", rpci, 5, "period", w=w, m=5)
    case("us_spatial_pooled", rpci, 5, "pooled", w=w, m=5)
    case("us_spatial_lag2", rpci, 4, "period", lag=2, w=w, m=3)
    case("us_spatial_cutoffs", rpci, 5, "cutoffs", cutoffs=[0.8, 0.9, 1.0, 1.2], w=w, m=5,
         lag_cutoffs=[0.8, 0.9, 1.0, 1.2])
    lisa_case("us_lisa", pci, w)
    g = giddy_lisa_chi2_as_coded(pci, w)
    print("giddy LISA_Markov chi_2 as coded: %.3f (giddy's documented 1058.208)" % g)
    discrete_case("us_discrete", q4 + 1, w)

    # the bundled AI index (31 provinces, 2011 2015 2019 2022) with the queen W
    ai = list(csv.DictReader(open(os.path.join(ROOT, "shapefiles", "ai_index_province.csv"))))
    gal = os.path.join(ROOT, "tests", "fixtures", "autocorr", "china_queen.gal")
    wc = libpysal.io.open(gal).read()
    wc.transform = "r"
    ids = [str(i) for i in wc.id_order]       # values in W's order
    periods = sorted({r["year"] for r in ai})
    val = {(r["adcode"], r["year"]): float(r["ai_index"]) for r in ai}
    y = np.array([[val[(i, p)] for i in ids] for p in periods])
    case("ai_spatial", y, 4, "period", w=wc, m=3)
    lisa_case("ai_lisa", y, wc)
    print("numpy", np.__version__, "scipy", sys.modules["scipy"].__version__, "libpysal",
          libpysal.__version__)


if __name__ == "__main__":
    main()
