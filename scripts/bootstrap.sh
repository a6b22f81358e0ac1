#!/usr/bin/env bash
# Prepare .venv, start the project-local PostgreSQL and Redis, and write var/env.
#
# Usage: scripts/bootstrap.sh [--with-browser] [--venv-only] [--opensearch]
#   --with-browser  also make sure Chromium is installed (the browser tests need it)
#   --venv-only     only create/update .venv (for lint)
#   --opensearch    search on a local OpenSearch node (scripts/opensearch.sh), not Whoosh
#
# Safe to run again at any time: running services are reused and their ports are
# remembered in var/*/port. A service whose URL is in the environment (DATABASE_URL,
# REDIS_URL) is not started and its line is left out of var/env.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

with_browser=false
venv_only=false
with_opensearch=false
for arg in "$@"; do
    case $arg in
        --with-browser) with_browser=true ;;
        --opensearch) with_opensearch=true ;;
        --venv-only) venv_only=true ;;
        -h | --help)
            sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
            exit 0
            ;;
        *) die "unknown argument: $arg (see --help)" ;;
    esac
done

started_at=$(date +%s%N)

# A value in the environment is the user's, unless it is the one we wrote last time
# (someone sourced var/env): then the service is still ours to manage.
written_value() {
    [[ -f $VAR_DIR/env ]] && sed -n "s/^$1=//p" "$VAR_DIR/env" | tail -n 1
    return 0
}
given_by_user() {
    local value=${!1:-}
    [[ -n $value && $value != "$(written_value "$1")" ]]
}

manage_postgres=true
manage_redis=true
if $venv_only || given_by_user DATABASE_URL; then manage_postgres=false; fi
if $venv_only || given_by_user REDIS_URL; then manage_redis=false; fi

install_system_packages() {
    local missing=()
    if $manage_postgres && ! newest_pg_bindir >/dev/null; then missing+=(postgresql); fi
    if $manage_redis && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
    if $with_browser && ! command -v chromium >/dev/null; then missing+=(chromium); fi
    if [[ ! -x .venv/bin/python ]] && ! python3 -c 'import ensurepip' 2>/dev/null; then
        missing+=(python3-venv)
    fi
    ((${#missing[@]})) || return 0
    if ((EUID != 0)); then
        die "missing system packages; install them with:"$'\n\n'"    sudo apt-get install -y ${missing[*]}"
    fi
    echo "bootstrap: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_venv() {
    local wanted installed=""
    if [[ ! -x .venv/bin/python ]]; then
        echo "bootstrap: creating .venv"
        python3 -m venv .venv
    fi
    # The runtime requirements and the tools for tests, lint and `make run` (honcho).
    wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d ' ' -f 1)
    [[ -f .venv/.requirements.sha256 ]] && installed=$(<.venv/.requirements.sha256)
    if [[ $wanted != "$installed" ]]; then
        echo "bootstrap: installing requirements-dev.txt (with requirements.txt) into .venv"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
        printf '%s\n' "$wanted" >.venv/.requirements.sha256
    fi
}

pg_status=""
pg_port=""

prepare_postgres_dirs() {
    mkdir -p "$PG_RUN"
    if ((EUID == 0)); then
        if [[ -d $PG_DATA && $(stat -c %U "$PG_DATA") != "$PG_SYSTEM_USER" ]]; then
            chown -R "$PG_SYSTEM_USER": "$PG_DATA"
        fi
        chown "$PG_SYSTEM_USER": "$PG_DIR" "$PG_RUN"
        runuser -u "$PG_SYSTEM_USER" -- test -w "$PG_DIR" ||
            die "user $PG_SYSTEM_USER cannot reach $PG_DIR: every parent folder of the" \
                "repository must be searchable by all users (chmod o+x), or run as a normal user."
    elif [[ -d $PG_DATA && ! -O $PG_DATA ]]; then
        die "$PG_DATA belongs to $(stat -c %U "$PG_DATA") (made by a root bootstrap?)." \
            "Run this as root, or 'make clean' to start afresh."
    fi
}

# PostgreSQL will not start while the pid in its lock file exists, even as a zombie.
wait_until_old_postmaster_reaped() {
    local pid attempt
    [[ -f $PG_DATA/postmaster.pid ]] || return 0
    pid=$(head -n 1 "$PG_DATA/postmaster.pid")
    for attempt in {1..60}; do
        [[ $(process_state "$pid") == Z ]] || return 0
        sleep 0.5
    done
    die "the previous PostgreSQL server (pid $pid) died but was never reaped; retry later"
}

start_postgres() {
    local bindir options output socket_dir
    prepare_postgres_dirs
    bindir=$(pg_bindir) || die "PostgreSQL binaries not found under /usr/lib/postgresql"

    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
        # Without PG_VERSION the folder is what an interrupted initdb left behind.
        rm -rf "$PG_DATA"
        echo "bootstrap: creating the PostgreSQL cluster in ${PG_DATA#"$ROOT"/}"
        as_postgres_user "$bindir/initdb" -D "$PG_DATA" -U newsroom --auth=trust -E UTF8 \
            --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
            die "initdb failed; see ${PG_DIR#"$ROOT"/}/initdb.log"
    fi

    if pg_running "$bindir"; then
        pg_port=$(pg_running_port)
        printf '%s\n' "$pg_port" >"$PG_PORT_FILE"
        pg_status=reused
    else
        wait_until_old_postmaster_reaped
        pg_port=$(choose_port "$PG_PORT_FILE")
        socket_dir=$PG_RUN
        # A Unix socket path must fit in 107 bytes; TCP on 127.0.0.1 is what we use anyway.
        if ((${#PG_RUN} + 20 > 107)); then socket_dir=""; fi
        options="-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$socket_dir'"
        # pg_ctl sends the server's own output to the log, so capturing its output is safe.
        output=$(as_postgres_user "$bindir/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
            -o "$options" start 2>&1 9>&-) || {
            printf '%s\n' "$output" >&2
            tail -n 20 "$PG_LOG" >&2 || true
            die "PostgreSQL did not start; see ${PG_LOG#"$ROOT"/}"
        }
        pg_status=started
    fi

    local attempt
    for attempt in {1..60}; do
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U newsroom -d postgres && break
        ((attempt < 60)) || die "PostgreSQL on port $pg_port is not accepting connections"
        sleep 0.5
    done

    local exists
    exists=$("$bindir/psql" -X -q -t -A -h 127.0.0.1 -p "$pg_port" -U newsroom -d postgres \
        -c "select 1 from pg_database where datname = 'newsroom'")
    if [[ $exists != 1 ]]; then
        "$bindir/createdb" -h 127.0.0.1 -p "$pg_port" -U newsroom newsroom
        pg_status+=", database created"
    fi
}

redis_status=""
redis_port=""

start_redis() {
    mkdir -p "$REDIS_DIR"
    redis_port=$(read_port_file "$REDIS_PORT_FILE")
    if [[ -n $redis_port ]] && redis_is_ours "$redis_port"; then
        redis_status=reused
        return
    fi
    redis_port=$(choose_port "$REDIS_PORT_FILE")
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --dir "$REDIS_DIR" \
        --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --save "" --appendonly no \
        </dev/null >/dev/null 9>&-
    local attempt
    for attempt in {1..40}; do
        [[ $(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null) == PONG ]] && break
        if ((attempt == 40)); then
            tail -n 20 "$REDIS_LOG" >&2 || true
            die "Redis did not start on port $redis_port; see ${REDIS_LOG#"$ROOT"/}"
        fi
        sleep 0.25
    done
    redis_status=started
}

# A local secret, made once, so the settings start without DEBUG (never used in production).
local_secret_key() {
    local key_file=$VAR_DIR/secret_key
    if [[ ! -s $key_file ]]; then
        (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
    fi
    cat "$key_file"
}

database_url=""
redis_url=""
search_url=""

write_env_file() {
    local tmp=$VAR_DIR/env.tmp
    if $manage_postgres; then database_url="postgres://newsroom@127.0.0.1:$pg_port/newsroom"; fi
    if $manage_redis; then redis_url="redis://127.0.0.1:$redis_port/0"; fi
    if given_by_user SEARCH_URL; then
        :
    elif $with_opensearch; then
        search_url=$(SERVICES_LOCK_HELD=1 bash "$ROOT/scripts/opensearch.sh" start 9>&- |
            sed -n 's/^SEARCH_URL=//p')
        [[ -n $search_url ]] || die "OpenSearch did not start; see var/opensearch"
    else
        mkdir -p "$VAR_DIR/whoosh"
        search_url="whoosh://$VAR_DIR/whoosh"
    fi
    (
        umask 077
        {
            echo "# Written by scripts/bootstrap.sh for the project-local services."
            echo "# Variables set in the environment take precedence over these lines."
            [[ -z $database_url ]] || echo "DATABASE_URL=$database_url"
            [[ -z $redis_url ]] || echo "REDIS_URL=$redis_url"
            [[ -z $search_url ]] || echo "SEARCH_URL=$search_url"
            # Plain http on 127.0.0.1: secure-only cookies would make logging in impossible.
            given_by_user SECRET_KEY || echo "SECRET_KEY=$(local_secret_key)"
            given_by_user SECURE_COOKIES || echo "SECURE_COOKIES=false"
            # Files dropped here are imported (done/ and failed/ beside them).
            given_by_user IMPORT_WATCH_DIR || echo "IMPORT_WATCH_DIR=$VAR_DIR/inbox"
        } >"$tmp"
    )
    mv -f "$tmp" "$VAR_DIR/env"
}

summary() {
    local elapsed_ms=$((($(date +%s%N) - started_at) / 1000000))
    printf 'bootstrap: ready in %d.%01ds\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
    if $manage_postgres; then
        printf '  PostgreSQL  %-48s %s\n' "$database_url" "$pg_status"
    else
        printf '  PostgreSQL  %-48s %s\n' "(DATABASE_URL from the environment)" "not started"
    fi
    if $manage_redis; then
        printf '  Redis       %-48s %s\n' "$redis_url" "$redis_status"
    else
        printf '  Redis       %-48s %s\n' "(REDIS_URL from the environment)" "not started"
    fi
    printf '  Search      %s\n' "${search_url:-(SEARCH_URL from the environment)}"
    printf '  Settings    var/env (stop the services with: make stop)\n'
}

lock_services
install_system_packages
ensure_venv
if $venv_only; then
    exit 0
fi
if $manage_postgres; then start_postgres; fi
if $manage_redis; then start_redis; fi
write_env_file
summary
