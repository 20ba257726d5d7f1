#!/usr/bin/env bash
# Builds the web page into web/dist/, which the binary embeds (src/serve/web.rs). The output
# is committed, so building stratagraph needs no Node.js; run this after changing web/src or
# the packages, then commit web/dist and package-lock.json.
#   bash web/build.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
rm -rf dist
mkdir -p dist
npx esbuild src/app.js --bundle --minify --format=iife --target=es2020 --legal-comments=external --outfile=dist/app.js
cp src/index.html src/app.css dist/
ls -l dist
