#!/usr/bin/env bash
# Sets up everything, builds Packyard with its dashboard, and runs it on SQLite.
# Environment variables (PACKYARD_LISTEN, PACKYARD_DATA_DIR, DATABASE_URL, …) pass through.
source "$(dirname "$0")/lib.sh"

setup_build
build_frontend
say "building the server (cargo build --release)"
cargo build --release --locked --quiet -p packyard
export PACKYARD_DATA_DIR="${PACKYARD_DATA_DIR:-$ROOT/data}"
say "starting Packyard (data in $PACKYARD_DATA_DIR); Ctrl-C stops it"
exec "$ROOT/target/release/packyard" serve
