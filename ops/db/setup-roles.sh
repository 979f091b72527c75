#!/usr/bin/env bash
# Creates (or brings into line) the portal's owner and application roles in one database; see
# roles.sql and docs/deployment.md. Run as a superuser; idempotent.
#
#   ops/db/setup-roles.sh postgres://SUPERUSER@HOST:5432/DATABASE
#   ops/db/setup-roles.sh            (libpq's PGHOST, PGUSER, PGPASSWORD, PGDATABASE: docker-compose)
#
# FPS_OWNER_DB_PASSWORD and FPS_APP_DB_PASSWORD, when set, become the roles' passwords (left unset,
# a role keeps the password it has, or none, for peer or trust authentication); FPS_OWNER_ROLE and
# FPS_APP_ROLE rename the roles (defaults fps_owner and fps_app).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec psql -X -q -v ON_ERROR_STOP=1 \
  -v owner_role="${FPS_OWNER_ROLE:-fps_owner}" -v app_role="${FPS_APP_ROLE:-fps_app}" \
  -v owner_password="${FPS_OWNER_DB_PASSWORD:-}" -v app_password="${FPS_APP_DB_PASSWORD:-}" \
  -f "$here/roles.sql" "$@"
