#!/usr/bin/env python3
"""Reference values for spill's standard deviational ellipse (tests/t_ellipse.c).

Independent of spill's code: ArcGIS's Directional Distribution formula as ArcGIS 10.1's
StandardEllipse.py writes it (theta from the atan formula, seX/seY with sqrt(2) and the
sum of weights), and CrimeStat's as pointpats.ellipse(method="crimestat") (sqrt(2 S/(n-2)),
unweighted).  Writes tests/fixtures/ellipse/{points.csv,expected.csv}.
    /usr/bin/python3 scripts/ref-ellipse.py
"""
import csv
import math
import os

import numpy as np

OUT = "tests/fixtures/ellipse"


def arcgis(x, y, w, k):
    sw = w.sum()
    cx, cy = (w * x).sum() / sw, (w * y).sum() / sw
    dx, dy = x - cx, y - cy
    sig_x, sig_y, sig_xy = (w * dx * dx).sum(), (w * dy * dy).sum(), (w * dx * dy).sum()
    a = sig_x - sig_y
    b = math.sqrt(a * a + 4 * sig_xy * sig_xy)
    # theta: degrees clockwise from north of the ellipse's y axis (Yuill 1971), made
    # non-negative by adding pi/2 as ArcGIS does
    theta = math.atan((a + b) / (2 * sig_xy)) if sig_xy != 0 else 0.0
    if theta < 0:
        theta += math.pi / 2
    c, s = math.cos(theta), math.sin(theta)
    se_x = math.sqrt(2) * math.sqrt((sig_x * c * c - 2 * sig_xy * s * c + sig_y * s * s) / sw) * k
    se_y = math.sqrt(2) * math.sqrt((sig_x * s * s + 2 * sig_xy * s * c + sig_y * c * c) / sw) * k
    return cx, cy, se_x, se_y, theta


def crimestat(x, y, k):
    n = len(x)
    cx, cy = x.mean(), y.mean()
    dx, dy = x - cx, y - cy
    cov = np.array([[dx @ dx, dx @ dy], [dx @ dy, dy @ dy]])
    evals, evecs = np.linalg.eigh(cov)
    major, minor = (math.sqrt(2 * evals[1] / (n - 2)) * k, math.sqrt(2 * evals[0] / (n - 2)) * k)
    v = evecs[:, 1]
    return cx, cy, major, minor, v


def azimuth_of(vx, vy):
    az = math.degrees(math.atan2(vx, vy)) % 180.0
    return 0.0 if abs(az - 180.0) < 1e-12 else az


def shape(major, minor):
    return (math.pi * major * minor,
            math.pi * (3 * (major + minor) - math.sqrt((3 * major + minor) * (major + 3 * minor))),
            1 - minor / major)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(7)
    cases = {}
    # 1. weighted points in metres (a projected city cloud)
    n = 40
    x = 5e5 + 3e5 * rng.standard_normal(n)
    y = 3e6 + 1e5 * rng.standard_normal(n) + 0.6 * (x - 5e5)
    w = rng.uniform(0.5, 10.0, n)
    cases["cloud"] = (x, y, w)
    # 2. the same points unweighted (where ArcGIS and CrimeStat differ only by n vs n - 2)
    cases["unweighted"] = (x, y, np.ones(n))
    with open(os.path.join(OUT, "points.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["case", "x", "y", "w"])
        for name, (cx_, cy_, cw) in cases.items():
            for i in range(len(cx_)):
                out.writerow([name, repr(float(cx_[i])), repr(float(cy_[i])), repr(float(cw[i]))])
    rows = []
    for name, (px, py, pw) in cases.items():
        for k in (1, 2, 3):
            cx, cy, se_x, se_y, theta = arcgis(px, py, pw, k)
            major, minor = max(se_x, se_y), min(se_x, se_y)
            # se_y lies along azimuth theta, se_x across it: the major axis is at theta
            # when se_y is the longer, else at theta + 90 degrees
            az = math.degrees(theta) + (0.0 if se_y >= se_x else 90.0)
            rot = az % 180.0
            rows.append([name, "arcgis", k, cx, cy, major, minor, rot, *shape(major, minor)])
        if name == "unweighted":
            for k in (1, 2, 3):
                cx, cy, major, minor, v = crimestat(px, py, k)
                rows.append([name, "crimestat", k, cx, cy, major, minor, azimuth_of(v[0], v[1]),
                             *shape(major, minor)])
    with open(os.path.join(OUT, "expected.csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["case", "convention", "k", "cx", "cy", "major", "minor", "rotation",
                      "area", "perimeter", "flattening"])
        for r in rows:
            out.writerow([r[0], r[1], r[2]] + [repr(float(v)) for v in r[3:]])


if __name__ == "__main__":
    main()
