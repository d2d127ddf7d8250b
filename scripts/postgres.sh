# A throwaway PostgreSQL cluster on a free local port, for the tests. Sourced.
# start_postgres sets TEST_DATABASE_URL; the cluster is removed on exit.

pg_bin() {
  local tool="$1"
  if command -v "$tool" >/dev/null; then command -v "$tool"; return; fi
  ls -d /usr/lib/postgresql/*/bin/"$tool" 2>/dev/null | sort -V | tail -n 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_postgres() {
  [ -n "$(pg_bin initdb)" ] || apt_install postgresql
  local initdb pg_ctl port
  initdb="$(pg_bin initdb)"
  pg_ctl="$(pg_bin pg_ctl)"
  port="$(free_port)"
  PG_DIR="$(mktemp -d /tmp/packyard-pg.XXXXXX)"
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user then.
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  trap stop_postgres EXIT
  "${run[@]}" "$initdb" -D "$PG_DIR/data" -U packyard --auth=trust --no-sync -E UTF8 >/dev/null
  "${run[@]}" "$pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null
  PG_CTL=("${run[@]}" "$pg_ctl")
  export TEST_DATABASE_URL="postgres://packyard@127.0.0.1:$port/postgres"
  say "throwaway PostgreSQL on port $port"
}

stop_postgres() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    "${PG_CTL[@]}" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
