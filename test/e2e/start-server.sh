#!/bin/sh
# Starts Guildhall for the browser tests: a fresh data directory, one administrator, port 8181.
# Playwright runs this as its webServer and stops it when the tests end.
set -eu
cd "$(dirname "$0")/../.."
DATA_DIR="${E2E_DATA_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/guildhall-e2e-XXXXXX")}"
export GUILDHALL_DATA_DIR="$DATA_DIR" PORT="${E2E_PORT:-8181}" PUBLIC_URL="http://localhost:${E2E_PORT:-8181}"
# SQLite for the browser tests even when the shell points DATABASE_URL at PostgreSQL.
unset DATABASE_URL
node src/cli/main.ts admin create --email admin@example.org --name 'Ada Admin' --password 'Velvet tram under amber sky 7'
# The JSON log goes beside the data, for looking into a failed run.
echo "e2e server data and log: $DATA_DIR/server.log" >&2
# exec: Playwright's stop signal reaches the server itself, which shuts down cleanly.
exec node src/cli/main.ts serve >"$DATA_DIR/server.log"
