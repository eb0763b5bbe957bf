#!/usr/bin/python3
"""Reference values for `spill markov --gaps skip`: the US state incomes of
tests/fixtures/markov (scripts/ref-markov.py) without the years 1950, 1970
and 1971, and the chains counted only over the pairs of years that are `lag`
years apart (the transitions across a missing year left out).  Classes and
spatial lags are scripts/ref-markov.py's (per-year quantiles, libpysal lags).

Writes tests/fixtures/markov/us_gaps_skip.json: per case the transition
counts (classic; conditional per lag class for the spatial chain) and the
number of transitions left out.

Run: /usr/bin/python3 scripts/ref-markov-gaps.py   (numpy, scipy, libpysal)
"""
import importlib.util
import json
import os

import numpy as np
import libpysal

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ref_markov", os.path.join(HERE, "ref-markov.py"))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

DROP = {"1950", "1970", "1971"}


def skip_count(c, k, years, lag, lc=None, m=1):
    """Transitions s -> s + lag whose years are lag apart; and how many are not."""
    keep = np.array([years[s + lag] - years[s] == lag for s in range(len(years) - lag)])
    a, b = c[:-lag], c[lag:]
    l = np.zeros_like(a) if lc is None else lc[:-lag]
    ok = (a >= 0) & (b >= 0) & (l >= 0)
    T = np.zeros((m, k, k))
    use = ok & keep[:, None]
    np.add.at(T, (l[use], a[use], b[use]), 1)
    return T, int((ok & ~keep[:, None]).sum())


def main():
    rows, years, pci = ref.usjoin()
    w = libpysal.io.open(os.path.join(ref.FIX, "states48.gal")).read()
    w.transform = "r"
    order = [int(i) for i in w.id_order]
    keep = [s for s, yr in enumerate(years) if yr not in DROP]
    yrs = [int(years[s]) for s in keep]
    pci = pci[keep][:, order]
    rpci = pci / pci.mean(axis=1, keepdims=True)
    out = {"dropped_years": sorted(DROP)}
    c, _ = ref.classes(pci, 5, "period")
    T, sk = skip_count(c, 5, yrs, 1)
    out["classic"] = {"transitions": T[0].tolist(), "skipped_transitions": sk}
    c4, _ = ref.classes(rpci, 4, "period")
    T, sk = skip_count(c4, 4, yrs, 3)
    out["relative_lag3"] = {"transitions": T[0].tolist(), "skipped_transitions": sk}
    cr, _ = ref.classes(rpci, 5, "period")
    ly = np.array([libpysal.weights.lag_spatial(w, row) for row in rpci])
    lc, _ = ref.classes(ly, 5, "period")
    T, sk = skip_count(cr, 5, yrs, 1, lc, 5)
    Tc, skc = skip_count(cr, 5, yrs, 1)
    out["spatial"] = {"transitions": Tc[0].tolist(), "skipped_transitions": skc,
                      "conditional": [T[l].tolist() for l in range(5)]}
    q = np.zeros(pci.shape, int)
    for s in range(len(yrs)):
        z = pci[s] - pci[s].mean()
        lz = libpysal.weights.lag_spatial(w, z)
        q[s] = np.where(z > 0, np.where(lz > 0, 0, 3), np.where(lz > 0, 1, 2))  # HH LH LL HL
    T, sk = skip_count(q, 4, yrs, 1)
    out["lisa"] = {"transitions": T[0].tolist(), "skipped_transitions": sk}
    with open(os.path.join(ref.FIX, "us_gaps_skip.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
