#!/usr/bin/env bash
# Sets up everything and runs every check and test: formatting, clippy, unit tests,
# integration tests on SQLite and PostgreSQL, end-to-end tests with real clients.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres.sh"

setup_build
# Real clients for the end-to-end tests.
apt_install chromium chromium-driver php-cli php-zip php-curl php-mbstring unzip composer git openssh-server openssh-client

say "cargo fmt --check"
cargo fmt --all -- --check
build_frontend
say "clippy (server, tests, e2e)"
cargo clippy --locked --quiet --all-targets -- -D warnings
say "clippy (dashboard, wasm32)"
cargo clippy --locked --quiet -p packyard-frontend --target wasm32-unknown-unknown -- -D warnings

start_postgres
export PACKYARD_REQUIRE_POSTGRES=1
say "tests: unit, integration (SQLite and PostgreSQL), end-to-end"
results="$(mktemp)"
set +o pipefail
cargo test --locked -p packyard 2>&1 | tee "$results"
status=${PIPESTATUS[0]}
set -o pipefail
# One closing line over all test binaries.
awk '/^test result:/ { passed += $4; failed += $6; ignored += $8 }
     END { printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, ignored }' "$results"
rm -f "$results"
exit "$status"
