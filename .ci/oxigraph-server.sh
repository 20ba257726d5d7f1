#!/usr/bin/env bash
# Start/stop the reference Oxigraph SPARQL server (the `oxigraph` CLI from PyPI) with its store
# under DIR.
#
#   .ci/oxigraph-server.sh start DIR   # installs the CLI if missing, starts `oxigraph serve`
#                                      # in the background, waits (bounded) until it answers
#   .ci/oxigraph-server.sh stop DIR    # kills it by DIR/oxigraph.pid and waits for it to exit
#
# Environment (all optional):
#   OXIGRAPH_PORT        port on 127.0.0.1                       (default 7879)
#   OXIGRAPH_VERSION     PyPI `oxigraph` version to install      (default 0.5.13)
#   OXIGRAPH_VENV        venv holding the CLI  (default /opt/oxigraph-venv, or
#                        ~/.cache/oxigraph-venv if /opt is not writable)
#   OXIGRAPH_WAIT        seconds to wait for startup             (default 30)
#   OXIGRAPH_SERVE_ARGS  extra `oxigraph serve` flags, e.g. "--union-default-graph --timeout-s 60"
#
# The PyPI package `oxigraph` (not `pyoxigraph`, which is the Python bindings) is a wheel that
# only ships the Rust CLI binary as bin/oxigraph. Endpoints, no auth:
#   GET/POST /query     SPARQL query     POST /update  SPARQL update
#   GET/PUT/POST/DELETE /store?graph=IRI (or ?default)  Graph Store Protocol
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

port=${OXIGRAPH_PORT:-7879}
version=${OXIGRAPH_VERSION:-0.5.13}
wait_s=${OXIGRAPH_WAIT:-30}
if [ -z "${OXIGRAPH_VENV:-}" ]; then
  if [ -w /opt ] || [ -d /opt/oxigraph-venv ]; then OXIGRAPH_VENV=/opt/oxigraph-venv
  else OXIGRAPH_VENV=${XDG_CACHE_HOME:-$HOME/.cache}/oxigraph-venv; fi
fi
bin=$OXIGRAPH_VENV/bin/oxigraph
pidfile=$dir/oxigraph.pid

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

install_cli() {
  if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "oxigraph $version" ]; then return; fi
  echo "installing oxigraph $version CLI into $OXIGRAPH_VENV" >&2
  [ -x "$OXIGRAPH_VENV/bin/pip" ] || python3 -m venv "$OXIGRAPH_VENV"
  "$OXIGRAPH_VENV/bin/pip" install -q --disable-pip-version-check "oxigraph==$version" >&2
  "$bin" --version >/dev/null
}

answers() {
  curl -fsS -o /dev/null --max-time 5 -H 'Accept: application/sparql-results+json' \
    "http://127.0.0.1:$port/query?query=ASK%7B%7D" 2>/dev/null
}

case $cmd in
start)
  if running; then echo "oxigraph already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  install_cli
  if answers; then echo "something already answers on 127.0.0.1:$port" >&2; exit 1; fi
  mkdir -p "$dir/store"
  start=$(date +%s)
  # shellcheck disable=SC2086  # OXIGRAPH_SERVE_ARGS is a word list on purpose
  (exec "$bin" serve --location "$dir/store" --bind "127.0.0.1:$port" ${OXIGRAPH_SERVE_ARGS:-} \
     </dev/null >"$dir/oxigraph.log" 2>&1) &
  echo $! >"$pidfile"
  pid=$(cat "$pidfile")
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "oxigraph exited during startup; $dir/oxigraph.log:" >&2
      tail -n 30 "$dir/oxigraph.log" >&2 || true
      rm -f "$pidfile"; exit 1
    fi
    if [ $(( $(date +%s) - start )) -ge "$wait_s" ]; then
      echo "oxigraph did not answer on http://127.0.0.1:$port/query within ${wait_s}s; log:" >&2
      tail -n 30 "$dir/oxigraph.log" >&2 || true
      kill "$pid" 2>/dev/null || true; rm -f "$pidfile"; exit 1
    fi
    sleep 0.2
  done
  echo "oxigraph $version up (pid $pid) on http://127.0.0.1:$port/query, store $dir/store, after $(( $(date +%s) - start ))s"
  ;;
stop)
  if ! [ -f "$pidfile" ]; then echo "no $pidfile; not running?" >&2; exit 0; fi
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "oxigraph (pid $pid) ignored SIGTERM for 30s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  rm -f "$pidfile"
  echo "oxigraph stopped"
  ;;
*) usage ;;
esac
