#!/bin/sh
# Installs spill's build dependencies on Debian (apt).  Does nothing when they
# are all present already.  Run as root (or with sudo available).
set -e
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_h() { [ -f "/usr/include/$1" ]; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v cc >/dev/null 2>&1 || need="$need gcc make"
have_pc gdal || need="$need libgdal-dev"
have_pc geos || need="$need libgeos-dev"
have_h proj.h || need="$need libproj-dev"
have_h suitesparse/cholmod.h || need="$need libsuitesparse-dev"
have_pc gsl || need="$need libgsl-dev"
# GeoPackage rows read and written through SQLite directly (io/sp_gpkg_db.c)
have_pc sqlite3 || need="$need libsqlite3-dev"
# tests/cli/t_gpkgio.sh and t_shard.sh look into GeoPackages with the sqlite3 shell
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
# OpenBLAS behind CHOLMOD's supernodal factorisation (`fit` at 10^6 units: 10x the reference BLAS)
ls /usr/lib/*/openblas-pthread/libblas.so.3 >/dev/null 2>&1 || need="$need libopenblas0-pthread"
have_pc jansson || need="$need libjansson-dev"
have_pc cairo || need="$need libcairo2-dev"
have_h readstat.h || need="$need libreadstat-dev"
have_pc yaml-0.1 || need="$need libyaml-dev"
have_pc xlsxwriter || need="$need libxlsxwriter-dev"
have_pc nettle || need="$need nettle-dev"
command -v parallel >/dev/null 2>&1 || need="$need parallel"
have_pc pangocairo || need="$need libpango1.0-dev"
have_pc fontconfig || need="$need libfontconfig-dev"
have_pc libpng || need="$need libpng-dev"
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need="$need fonts-noto-cjk"
have_h Random123/philox.h || need="$need librandom123-dev"
command -v jq >/dev/null 2>&1 || need="$need jq"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
# `make check-slurm` needs Slurm and munge: scripts/install-deps.sh --slurm
if [ "${1:-}" = "--slurm" ]; then
    command -v slurmctld >/dev/null 2>&1 || need="$need slurm-wlm"
    command -v munged >/dev/null 2>&1 || need="$need munge"
fi
# `make fuzz` needs clang with libFuzzer: scripts/install-deps.sh --fuzz
if [ "${1:-}" = "--fuzz" ]; then
    command -v clang >/dev/null 2>&1 || need="$need clang"
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        need="$need libclang-rt-dev"
fi
# The report test (tests/cli/t_run_yaml.sh) opens report.html in headless chromium;
# it is skipped with a message when chromium cannot be installed.
browser=""
command -v chromium >/dev/null 2>&1 || browser=chromium
[ -z "$need$browser" ] && exit 0
echo "install-deps: installing$need $browser" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
[ -z "$need" ] || $SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
if [ -n "$browser" ]; then
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $browser >/dev/null ||
        echo "install-deps: chromium not installed: the HTML report test will be skipped" >&2
fi
