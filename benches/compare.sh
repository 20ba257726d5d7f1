#!/usr/bin/env bash
# Builds stratagraph, makes the synthetic data, and runs stratagraph and the peer tools
# (pyoxigraph, rdflib, networkx, igraph, rustworkx) on the same files in one run.
#   bash benches/compare.sh                 # sizes 10k 100k 1m 10m triples, release build
#   bash benches/compare.sh --sizes "10k 100k"
#   bash benches/compare.sh --smoke         # 10k only, debug build, quick: what CI runs
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="10k 100k 1m 10m"
profile=release
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; sizes="10k"; profile=debug ;;
    --sizes) sizes="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
bin="${CARGO_TARGET_DIR:-target}/$profile/stratagraph"
venv=benches/.venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import pyoxigraph, rdflib, networkx, igraph, rustworkx" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check pyoxigraph rdflib networkx igraph rustworkx \
    || echo "warning: could not install every Python peer; their columns will be empty" >&2
fi
exec "$venv/bin/python" benches/compare.py --bin "$bin" --sizes $sizes $([ "$smoke" = 1 ] && echo --smoke)
