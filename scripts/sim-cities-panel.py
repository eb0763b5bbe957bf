#!/usr/bin/python3
"""Simulate the city panel of examples/china_cities_grid.yaml (SIMULATED data).

    spill weights shapefiles/china_cities.shp --id adcode --type knn --k 6 \
        --points seat_lon,seat_lat -o /tmp/knn6.gwt
    /usr/bin/python3 scripts/sim-cities-panel.py /tmp/knn6.gwt \
        shapefiles/ai_index_province.csv > examples/data/china_cities_panel_sim.csv

A two-way fixed-effects spatial Durbin panel on the 367 prefecture-level units
of shapefiles/china_cities.shp, 2011-2020, row-standardised 6 nearest seats:
y = 0.35 W y + x1 - 0.6 x2 + 0.3 x3 + W (0.4 x1 + 0.2 x2) + mu_i + alpha_t + e,
sd(e) = 0.8, unit effects correlated with x1, numpy default_rng(20261201).
`region` is the East/Central/West group of the city's province (from the
AI-index table; Hong Kong, Macao and Taiwan: "Other").  Values rounded to six
significant digits.  Needs numpy (Debian python3-numpy).
"""
import csv
import sys

import numpy as np

gwt, ai = sys.argv[1], sys.argv[2]
with open(gwt) as f:
    head = f.readline().split()
    links = [line.split() for line in f if line.strip()]
ids = []
for i, j, _ in links:
    for u in (i, j):
        if u not in ids:
            ids.append(u)
ids.sort()
n = len(ids)
assert n == int(head[1]), "every unit has a neighbour"
idx = {u: k for k, u in enumerate(ids)}
W = np.zeros((n, n))
for i, j, w in links:
    W[idx[i], idx[j]] = float(w)
W /= W.sum(axis=1, keepdims=True)
region = {}
with open(ai) as f:
    for row in csv.DictReader(f):
        region[row["adcode"][:2]] = row["region"]
rng = np.random.default_rng(20261201)
T = 10
mu = rng.normal(size=n)
alpha = 0.5 * rng.normal(size=T)
A = np.linalg.inv(np.eye(n) - 0.35 * W)
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["adcode", "year", "region", "x1", "x2", "x3", "y"])
rows = []
for t in range(T):
    x1 = 0.5 * mu + rng.normal(size=n)
    x2 = rng.normal(size=n)
    x3 = rng.normal(size=n)
    e = 0.8 * rng.normal(size=n)
    y = A @ (x1 - 0.6 * x2 + 0.3 * x3 + W @ (0.4 * x1 + 0.2 * x2) + mu + alpha[t] + e)
    for k in range(n):
        rows.append([ids[k], 2011 + t, region.get(ids[k][:2], "Other"),
                     *(f"{v:.6g}" for v in (x1[k], x2[k], x3[k], y[k]))])
rows.sort(key=lambda r: (r[0], r[1]))
out.writerows(rows)
