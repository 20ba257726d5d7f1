#!/usr/bin/env bash
# Load test of `stratagraph serve` beside `oxigraph serve` on the same data, both on a
# RocksDB store on loopback: requests per second and p50/p99 latency (wrk) for a SPARQL
# SELECT at 1, 8 and 64 concurrent clients on both servers, and for the describe and path
# API routes on stratagraph. Prints a Markdown table for BENCHMARKS.md.
#
#   bash benches/serve.sh [SECONDS]        # SECONDS per run, default 10
#
# Needs: a release build (cargo build --release, or STRATAGRAPH=path), wrk (Debian's
# package) and the Oxigraph CLI (PyPI `oxigraph`, as .ci/oxigraph-server.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
bin=${STRATAGRAPH:-${CARGO_TARGET_DIR:-target}/release/stratagraph}
oxigraph=${OXIGRAPH:-/opt/oxigraph-venv/bin/oxigraph}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 3; }
[ -x "$bin" ] || { echo "needs a release build at $bin" >&2; exit 3; }
[ -x "$oxigraph" ] || { echo "needs the Oxigraph CLI at $oxigraph" >&2; exit 3; }

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

"$bin" dump --format nquads -o "$work/article.nq" -q
"$bin" load "$work/article.nq" --store "$work/sg" --bare -q
"$oxigraph" load --location "$work/ox" --file "$work/article.nq" >/dev/null 2>&1

"$bin" serve --store "$work/sg" --read-only --bind 127.0.0.1:7981 >/dev/null 2>&1 & pids+=($!)
"$oxigraph" serve-read-only --location "$work/ox" --bind 127.0.0.1:7982 >/dev/null 2>&1 & pids+=($!)
for port in 7981 7982; do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/query?query=ASK%7B%7D" && break; sleep 0.1; done
done

select='SELECT ?p ?o WHERE { <https://w3id.org/stratagraph/id/aliexpress> ?p ?o }'
encoded=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$select")

# One wrk run: prints "rps p50 p99" (latencies in ms).
run() {
  local url=$1 clients=$2 threads=2
  [ "$clients" -eq 1 ] && threads=1
  wrk -t"$threads" -c"$clients" -d"${seconds}s" --latency -H 'Accept: application/sparql-results+json' "$url" \
    | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {errors.group(1) if errors else 0}")
'
}

echo "| request | clients | stratagraph rps | p50 ms | p99 ms | oxigraph rps | p50 ms | p99 ms | rps ratio | non-2xx (ours / oxigraph) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for clients in 1 8 64; do
  read -r s_rps s_p50 s_p99 s_err < <(run "http://127.0.0.1:7981/query?query=$encoded" "$clients")
  read -r o_rps o_p50 o_p99 o_err < <(run "http://127.0.0.1:7982/query?query=$encoded" "$clients")
  ratio=$(python3 -c "print(f'{$s_rps / $o_rps:.2f}')")
  echo "| SPARQL SELECT (one entity's triples) | $clients | $s_rps | $s_p50 | $s_p99 | $o_rps | $o_p50 | $o_p99 | $ratio | $s_err / $o_err |"
done
for clients in 1 8 64; do
  read -r rps p50 p99 err < <(run "http://127.0.0.1:7981/api/describe?entity=AliExpress" "$clients")
  echo "| /api/describe AliExpress | $clients | $rps | $p50 | $p99 | – | – | – | – | $err / – |"
done
for clients in 1 8 64; do
  read -r rps p50 p99 err < <(run "http://127.0.0.1:7981/api/path?from=jiang-fan&to=1688overseas&k=3" "$clients")
  echo "| /api/path Jiang Fan → 1688overseas, k=3 | $clients | $rps | $p50 | $p99 | – | – | – | – | $err / – |"
done
