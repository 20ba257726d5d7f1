#!/usr/bin/env bash
# The backend seam measured on real engines: starts oxigraph server and Virtuoso on loopback
# (as .ci/run does), runs benches/remote.py with the release build, and stops them.
#   bash benches/remote.sh                   # 1M generated triples
#   bash benches/remote.sh --entities 23200  # about 100k
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/stratagraph"
engines=$(mktemp -d)
stop() {
  bash .ci/virtuoso.sh stop "$engines/virtuoso" >/dev/null || true
  bash .ci/oxigraph-server.sh stop "$engines/oxigraph" >/dev/null || true
  rm -rf "$engines"
}
trap stop EXIT
bash .ci/virtuoso.sh start "$engines/virtuoso" >&2
bash .ci/oxigraph-server.sh start "$engines/oxigraph" >&2
python3 benches/remote.py --bin "$bin" "$@"
