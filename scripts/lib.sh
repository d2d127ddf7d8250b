# Shared helpers for the project scripts. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"

export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=""
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

cargo_install() { # name version [binary]
  local crate="$1" version="$2" binary="${3:-$1}"
  if command -v "$binary" >/dev/null && "$binary" --version 2>/dev/null | grep -q " $version\$\| $version "; then
    return 0
  fi
  say "installing $crate $version (cargo install, takes several minutes the first time)"
  cargo install --locked --quiet "$crate" --version "$version"
}

# Everything the build needs; each step is skipped when already in place.
setup_build() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    say "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  }
  command -v npm >/dev/null || apt_install nodejs npm
  cargo_install trunk "$TRUNK_VERSION"
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION" wasm-bindgen
  # binaryen (wasm-opt) and GraphiQL's browser files come from npm, locked.
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock-installed 2>/dev/null; then
    say "installing npm packages (package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.lock-installed
  fi
}

build_frontend() {
  say "building the dashboard (trunk build --release)"
  # Trunk builds offline; fetch the locked crates first.
  cargo fetch --locked --quiet
  trunk build --release --config Trunk.toml
}
