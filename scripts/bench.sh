#!/usr/bin/env bash
# Runs the benchmark of docs/PERFORMANCE.md: authenticated p2 requests per second against
# Packyard and against nginx serving the same file, measured with wrk, and their ratio.
# Installs nginx and wrk (Debian) when missing; builds the release binary and the bench
# once (cargo bench). Needs no dashboard build: the server embeds frontend/dist if present.
#
#   scripts/bench.sh              SQLite (the default installation)
#   scripts/bench.sh --postgres   a throwaway PostgreSQL cluster instead
#
# BENCH_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_TAGS and
# BENCH_ROUNDS pass through (see server/benches/p2_requests.rs).
source "$(dirname "$0")/lib.sh"

postgres=""
for argument in "$@"; do
  case "$argument" in
    --postgres) postgres=1 ;;
    *) echo "usage: scripts/bench.sh [--postgres]" >&2; exit 2 ;;
  esac
done

apt_install nginx wrk git
if [ -n "$postgres" ]; then
  source "$(dirname "$0")/postgres.sh"
  start_postgres
  # The cluster is new and empty: its own database is fresh.
  export BENCH_DATABASE_URL="$TEST_DATABASE_URL"
else
  unset BENCH_DATABASE_URL
fi

say "cargo bench -p packyard --bench p2_requests"
cargo bench --locked -p packyard --bench p2_requests
