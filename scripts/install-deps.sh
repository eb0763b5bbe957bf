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
have_pc jansson || need="$need libjansson-dev"
have_pc cairo || need="$need libcairo2-dev"
have_h readstat.h || need="$need libreadstat-dev"
have_h Random123/philox.h || need="$need librandom123-dev"
command -v jq >/dev/null 2>&1 || need="$need jq"
command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
# `make fuzz` needs clang with libFuzzer: scripts/install-deps.sh --fuzz
if [ "${1:-}" = "--fuzz" ]; then
    command -v clang >/dev/null 2>&1 || need="$need clang"
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
        need="$need libclang-rt-dev"
fi
[ -z "$need" ] && exit 0
echo "install-deps: installing$need" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $need >/dev/null
