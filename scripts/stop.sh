#!/usr/bin/env bash
# Stop the project-local PostgreSQL, Redis and OpenSearch that the scripts started.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

stop_postgres() {
    local bindir
    [[ -f $PG_DATA/PG_VERSION ]] || return 0
    bindir=$(pg_bindir) || return 0
    if pg_running "$bindir"; then
        as_postgres_user "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
        echo "stop: PostgreSQL stopped"
    fi
}

stop_redis() {
    local port pid
    port=$(read_port_file "$REDIS_PORT_FILE")
    if [[ -n $port ]] && redis_is_ours "$port"; then
        redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
        echo "stop: Redis stopped"
    elif [[ -f $REDIS_PIDFILE ]]; then
        # Not answering on its port, but its process may still be alive.
        pid=$(<"$REDIS_PIDFILE")
        if process_alive "$pid" && grep -qa redis-server "/proc/$pid/cmdline"; then
            kill "$pid"
            echo "stop: Redis (pid $pid) stopped"
        fi
    fi
    rm -f "$REDIS_PIDFILE"
}

[[ -d $VAR_DIR ]] || exit 0
bash "$ROOT/scripts/opensearch.sh" stop
lock_services
stop_postgres
stop_redis
