#!/usr/bin/python3
"""Expected values for the weights-file readers (tests/t_wio.c), from libpysal's readers.

Reads every weights file in tests/fixtures/wio (copied from libpysal's examples) with
libpysal.io and writes, 17 significant digits:
  tests/fixtures/wio/libpysal_summary.csv  file,n,nnz,s0,min_neighbors,max_neighbors,islands
  tests/fixtures/wio/libpysal_links.csv    file,i,j,w   every link of four units per file
                                           (the first two, the middle one and the last,
                                           in libpysal's id order = file order)
Ids are written as text (libpysal reads .swm/.mtx ids as integers: 1..n for .mtx).

Run from the repository root with the system python (python3-libpysal):
  /usr/bin/python3 scripts/ref-wio.py
"""
import csv
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import libpysal  # noqa: E402

FIX = "tests/fixtures/wio"
FILES = [
    "ohio.swm",
    "us48_CONTIGUITY_EDGES_ONLY.swm",
    "us48_INVERSE_DISTANCE.swm",
    "virginia_queen.swm",
    "sids2.swm",
    "columbus.gal",
    "rook31.gal",
    "baltim_k4.gwt",
    "virginia_queen.mtx",
    "wmat.mtx",
]


def g17(x):
    return repr(float(x))  # shortest repr that round-trips: at most 17 significant digits


def main():
    if not os.path.isdir(FIX):
        sys.exit("run from the repository root")
    summary, links = [], []
    for name in FILES:
        w = libpysal.io.open(os.path.join(FIX, name), "r").read()
        card = [len(w.neighbors[i]) for i in w.id_order]
        summary.append([name, w.n, w.nonzero, g17(w.s0), min(card), max(card), len(w.islands)])
        for pos in sorted({0, 1, w.n // 2, w.n - 1}):
            i = w.id_order[pos]
            for j, x in zip(w.neighbors[i], w.weights[i]):
                links.append([name, str(i), str(j), g17(x)])
    with open(os.path.join(FIX, "libpysal_summary.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["file", "n", "nnz", "s0", "min_neighbors", "max_neighbors", "islands"])
        out.writerows(summary)
    with open(os.path.join(FIX, "libpysal_links.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["file", "i", "j", "w"])
        out.writerows(links)
    print("libpysal", libpysal.__version__, ":", len(summary), "files,", len(links), "links")


if __name__ == "__main__":
    main()
