#!/bin/sh
# deps: install the Debian packages tessera needs, when any is missing.
# A no-op when everything is present; a clear message when it cannot install.
set -u
# Arguments: extra packages a target needs (make valgrind: valgrind).
PKGS="build-essential pkg-config libhts-dev libgsl-dev zlib1g-dev libcriterion-dev samtools tabix time bc python3-biopython libjansson-dev multiqc chromium snakemake $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "[M::deps] missing Debian packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "[E::deps] apt-get not found: install these packages with your system's package manager:$missing" >&2
	exit 1
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"
	else
		echo "[E::deps] not root and no passwordless sudo: run as root: apt-get install$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "[E::deps] apt-get update failed" >&2; exit 1; }
$SUDO apt-get install -y -qq --no-install-recommends $missing || { echo "[E::deps] apt-get install failed:$missing" >&2; exit 1; }
