#!/usr/bin/env bash
# Makes sure Postgres, Redis and NATS (JetStream) answer on their loopback ports, plus the Debian packages the
# offline providers need (pocketsphinx). Starts what is installed but stopped; installs what is missing when
# running as root on Debian; otherwise prints the exact command to run. Prints "started: <name>" for every
# server it started, so the caller can stop exactly those again.
#   scripts/infra.sh            servers + packages
#   scripts/infra.sh --check    only report, change nothing
set -uo pipefail

check_only=false
[ "${1:-}" = "--check" ] && check_only=true

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- ; }
is_root_debian() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; }
apt_updated=false
apt_install() {
  if ! is_root_debian; then
    echo "missing: $*; install with: sudo apt-get install -y $*" >&2
    return 1
  fi
  if ! $apt_updated; then apt-get update -qq >/dev/null 2>&1; apt_updated=true; fi
  echo "installing $* (apt)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
wait_port() { for _ in $(seq 1 50); do port_open "$1" && return 0; sleep 0.2; done; return 1; }

ensure_server() { # name port binary package start-command...
  local name=$1 port=$2 binary=$3 package=$4; shift 4
  port_open "$port" && return 0
  if $check_only; then echo "down: $name (127.0.0.1:$port)" >&2; return 1; fi
  if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "$binary" ]; then
    apt_install $package || return 1
  fi
  echo "starting $name" >&2
  "$@" >/dev/null 2>&1
  if wait_port "$port"; then echo "started: $name"; else echo "could not start $name; try: $*" >&2; return 1; fi
}

start_postgres() {
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || { echo "no postgres cluster found" >&2; return 1; }
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
}
start_redis() { redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no; }
start_nats() {
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --make-pidfile --pidfile /run/parley-nats.pid \
    --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
}

failed=0
ensure_server postgres 5432 pg_ctlcluster "postgresql" start_postgres || failed=1
ensure_server redis 6379 redis-server "redis-server" start_redis || failed=1
ensure_server nats 4222 /usr/sbin/nats-server "nats-server" start_nats || failed=1

if ! command -v pocketsphinx_continuous >/dev/null 2>&1 || [ ! -d /usr/share/pocketsphinx/model/en-us ]; then
  if $check_only; then echo "missing: pocketsphinx pocketsphinx-en-us (offline transcription)" >&2; failed=1
  else apt_install pocketsphinx pocketsphinx-en-us || failed=1; fi
fi
exit $failed
