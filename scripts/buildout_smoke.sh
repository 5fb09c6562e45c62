#!/usr/bin/env bash
# CI step: build vnarchive with zc.buildout, start its ZEO server and client on free ports,
# create the site and fetch it once. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ZEO_PORT=$(free_port)
HTTP_PORT=$(free_port)

make buildout
.venv-buildout/bin/buildout -q settings:zeo-address="127.0.0.1:$ZEO_PORT" settings:http-address="127.0.0.1:$HTTP_PORT"

stop() { bin/instance stop >/dev/null 2>&1 || true; bin/zeoserver stop >/dev/null 2>&1 || true; }
trap stop EXIT
bin/zeoserver start
VNARCHIVE_DEMO_FILE=profiles/demo/holdings.json bin/instance run scripts/create_site.py
bin/instance start

url="http://127.0.0.1:$HTTP_PORT/vnarchive"
for _ in $(seq 1 120); do
  if curl -fsS -o /tmp/buildout-smoke.html "$url"; then break; fi
  sleep 1
done
grep -q "Kho lưu trữ số" /tmp/buildout-smoke.html
echo "buildout smoke: the site answers at $url"
