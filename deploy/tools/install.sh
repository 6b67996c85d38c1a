#!/usr/bin/env bash
# Installs the tools the tests run: kustomize (Go module, into .tools/bin) for the manifest
# tests, cmake and gcc for building the store (where cargo is), docker-compose (Debian
# package), and for the console's browser tests Debian's chromium
# (Playwright drives it; it downloads no browser) with a Japanese font. Quick when they are
# already there at the right version.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUSTOMIZE_MODULE=sigs.k8s.io/kustomize/kustomize/v5
KUSTOMIZE_VERSION=v5.8.0
BIN="$PWD/.tools/bin"

installed_kustomize() {
    [[ -x "$BIN/kustomize" ]] && "$BIN/kustomize" version 2>/dev/null || true
}

if [[ "$(installed_kustomize)" != "$KUSTOMIZE_VERSION" ]]; then
    command -v go >/dev/null 2>&1 || { echo "install.sh: Go is needed to build kustomize" >&2; exit 1; }
    echo "installing kustomize $KUSTOMIZE_VERSION into $BIN"
    mkdir -p "$BIN"
    GOBIN="$BIN" GOFLAGS=-buildvcs=false go install "$KUSTOMIZE_MODULE@$KUSTOMIZE_VERSION"
fi

SUDO=""
[[ "$(id -u)" == 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

apt_install() {
    echo "installing Debian's $*"
    $SUDO apt-get install -y --no-install-recommends "$@" \
        || { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "$@"; }
}

# the document store's Rust server carries WiredTiger's C source, built with cmake and gcc
if command -v cargo >/dev/null 2>&1 || [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    command -v cmake >/dev/null 2>&1 || apt_install cmake
    command -v gcc >/dev/null 2>&1 || apt_install gcc
fi
command -v docker-compose >/dev/null 2>&1 || apt_install docker-compose
command -v chromium >/dev/null 2>&1 || apt_install chromium
dpkg -s fonts-ipafont-gothic >/dev/null 2>&1 || apt_install fonts-ipafont-gothic
