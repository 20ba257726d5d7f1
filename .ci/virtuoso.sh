#!/usr/bin/env bash
# Start/stop a throwaway Virtuoso 7 (Debian's virtuoso-opensource) whose database, log and
# ini file all live under DIR.
#
#   .ci/virtuoso.sh start DIR   # writes DIR/virtuoso.ini, starts virtuoso-t in the background,
#                               # waits (bounded) until the SPARQL endpoint answers a query
#   .ci/virtuoso.sh stop DIR    # kills it by DIR/virtuoso.pid and waits for it to exit
#
# Environment (all optional):
#   VIRTUOSO_HTTP_PORT   HTTP port on 127.0.0.1            (default 8890)
#   VIRTUOSO_SQL_PORT    SQL/ODBC (isql) port on 127.0.0.1 (default 1111)
#   VIRTUOSO_BUFFERS     NumberOfBuffers, 8 KiB pages       (default 170000, ~1.3 GiB)
#   VIRTUOSO_WAIT        seconds to wait for startup        (default 60)
#   VIRTUOSO_BIN         server binary                      (default virtuoso-t)
#
# Endpoints (user dba, password dba):
#   http://127.0.0.1:8890/sparql                  SPARQL query, no auth (updates are refused)
#   http://127.0.0.1:8890/sparql-auth             SPARQL query + update, HTTP digest auth
#   http://127.0.0.1:8890/sparql-graph-crud-auth  Graph Store Protocol, HTTP digest auth
#   SQL: isql-vt 127.0.0.1:1111 dba dba exec='SPARQL SELECT * WHERE { ?s ?p ?o } LIMIT 1;'
# Quirks of this 7.2.5 build: POST queries form-encoded (query=...); a direct POST with
# Content-Type: application/sparql-query hangs until the client times out. The default graph
# is the union of all graphs, which holds ~5.6k system triples on a fresh database, so name
# your graphs (FROM / GRAPH <g> / default-graph-uri=).
# The database persists in DIR: start again on the same DIR reuses it (rm -rf DIR to reset).
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

http_port=${VIRTUOSO_HTTP_PORT:-8890}
sql_port=${VIRTUOSO_SQL_PORT:-1111}
buffers=${VIRTUOSO_BUFFERS:-170000}
wait_s=${VIRTUOSO_WAIT:-60}
bin=${VIRTUOSO_BIN:-virtuoso-t}
vad=/usr/share/virtuoso-opensource-7/vad
pidfile=$dir/virtuoso.pid
ini=$dir/virtuoso.ini

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

write_ini() {
  cat >"$ini" <<EOF
; Written by .ci/virtuoso.sh; everything lives under $dir.
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$sql_port
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., $dir, $vad
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = $vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxMemPoolSize           = 200000000
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 4
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = $buffers
MaxDirtyBuffers          = $((buffers * 3 / 4))
; ORDER BY ... LIMIT/OFFSET may sort at most this many rows (default 10000, error SR353).
MaxSortedTopRows         = 1000000

[HTTPServer]
ServerPort                  = 127.0.0.1:$http_port
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 20
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 20
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:$http_port

[SPARQL]
; No row cap in practice, and no time/cost limits: with a limit Virtuoso returns a silently
; truncated "anytime" result (only an X-SQL-State header tells) instead of an error.
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DeferInferenceRulesInit    = 0
EOF
}

sparql_ok() {
  curl -fsS -o /dev/null --max-time 5 -H 'Accept: application/sparql-results+json' \
    "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 2>/dev/null
}

case $cmd in
start)
  if running; then echo "virtuoso already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  command -v "$bin" >/dev/null || { echo "$bin not found (apt-get install virtuoso-opensource)" >&2; exit 1; }
  # The Debian package starts its own server on the same ports on install; refuse to clash.
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/" 2>/dev/null; then
    echo "something already answers on 127.0.0.1:$http_port (service virtuoso-opensource-7 stop?)" >&2
    exit 1
  fi
  rm -f "$dir/virtuoso.lck"
  write_ini
  start=$(date +%s)
  (cd "$dir" && exec "$bin" +foreground +configfile "$ini" </dev/null >"$dir/virtuoso.out" 2>&1) &
  echo $! >"$pidfile"
  pid=$(cat "$pidfile")
  until sparql_ok; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "virtuoso exited during startup; tail of $dir/virtuoso.log:" >&2
      tail -n 30 "$dir/virtuoso.log" "$dir/virtuoso.out" >&2 2>/dev/null || true
      rm -f "$pidfile"; exit 1
    fi
    if [ $(( $(date +%s) - start )) -ge "$wait_s" ]; then
      echo "virtuoso did not answer on http://127.0.0.1:$http_port/sparql within ${wait_s}s; tail of log:" >&2
      tail -n 30 "$dir/virtuoso.log" >&2 2>/dev/null || true
      kill "$pid" 2>/dev/null || true; rm -f "$pidfile"; exit 1
    fi
    sleep 0.5
  done
  # No grants needed: dba (U_ID 0) is superuser, so digest-authenticated writes as dba through
  # /sparql-auth and /sparql-graph-crud-auth work out of the box. The anonymous "SPARQL" user
  # lacks SPARQL_UPDATE, so /sparql and /sparql-graph-crud stay read-only; that is on purpose.
  echo "virtuoso up (pid $pid) on http://127.0.0.1:$http_port/sparql, SQL 127.0.0.1:$sql_port, after $(( $(date +%s) - start ))s"
  ;;
stop)
  if ! [ -f "$pidfile" ]; then echo "no $pidfile; not running?" >&2; exit 0; fi
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "virtuoso (pid $pid) ignored SIGTERM for 60s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
  fi
  rm -f "$pidfile"
  echo "virtuoso stopped"
  ;;
*) usage ;;
esac
