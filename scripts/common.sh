# Paths and helpers shared by bootstrap.sh and stop.sh (sourced, not run).
# shellcheck shell=bash disable=SC2034  # the variables are used by the sourcing scripts

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
VAR_DIR=$ROOT/var
PG_DIR=$VAR_DIR/postgres
PG_DATA=$PG_DIR/data
PG_RUN=$PG_DIR/run
PG_LOG=$PG_DIR/log
PG_PORT_FILE=$PG_DIR/port
REDIS_DIR=$VAR_DIR/redis
REDIS_PORT_FILE=$REDIS_DIR/port
REDIS_PIDFILE=$REDIS_DIR/redis.pid
REDIS_LOG=$REDIS_DIR/redis.log
# PostgreSQL refuses to run as root, so root hands the cluster to this user.
PG_SYSTEM_USER=nobody

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Serialise bootstrap/stop runs; daemons must not inherit fd 9 (close it with 9>&-).
lock_services() {
    mkdir -p "$VAR_DIR"
    exec 9>"$VAR_DIR/.services.lock"
    flock -w 300 9 || die "another bootstrap or stop still holds $VAR_DIR/.services.lock"
}

as_postgres_user() {
    if ((EUID == 0)); then
        runuser -u "$PG_SYSTEM_USER" -- "$@"
    else
        "$@"
    fi
}

newest_pg_bindir() {
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    [[ -x $initdb ]] || return 1
    printf '%s\n' "${initdb%/initdb}"
}

# The binaries matching an existing cluster, else the newest installed ones.
pg_bindir() {
    local version
    if [[ -n ${PG_BINDIR:-} ]]; then
        printf '%s\n' "$PG_BINDIR"
    elif [[ -f $PG_DATA/PG_VERSION ]]; then
        version=$(<"$PG_DATA/PG_VERSION")
        [[ -x /usr/lib/postgresql/$version/bin/pg_ctl ]] ||
            die "$PG_DATA was made by PostgreSQL $version, which is not installed here." \
                "Install postgresql-$version, or run 'make clean' to start afresh."
        printf '%s\n' "/usr/lib/postgresql/$version/bin"
    else
        newest_pg_bindir
    fi
}

# The state letter of process $1 (R, S, Z...), empty when there is no such process.
process_state() {
    [[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] || return 0
    sed 's/.*) //' "/proc/$1/stat" | cut -d ' ' -f 1
}

# A zombie (killed, not yet reaped: common in containers) counts as dead.
process_alive() {
    local state
    state=$(process_state "$1")
    [[ -n $state && $state != Z ]]
}

pg_running() {
    [[ -f $PG_DATA/postmaster.pid ]] && process_alive "$(head -n 1 "$PG_DATA/postmaster.pid")" &&
        as_postgres_user "$1/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# The port of the running cluster, from its pid file (line 4).
pg_running_port() {
    sed -n 4p "$PG_DATA/postmaster.pid"
}

# True when the Redis answering on port $1 is the one whose data dir is ours.
redis_is_ours() {
    local dir
    dir=$(timeout 3 redis-cli -h 127.0.0.1 -p "$1" config get dir 2>/dev/null | sed -n 2p) ||
        return 1
    [[ $dir == "$REDIS_DIR" ]]
}

read_port_file() {
    local port=""
    [[ -f $1 ]] && port=$(<"$1")
    [[ $port =~ ^[0-9]+$ ]] && printf '%s\n' "$port"
    return 0
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Same test the servers make: SO_REUSEADDR lets a port in TIME_WAIT count as free.
port_is_free() {
    python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PY
}

# The remembered port if it is still free, else a new one (remembered from now on).
choose_port() {
    local port_file=$1 port
    port=$(read_port_file "$port_file")
    if [[ -z $port ]] || ! port_is_free "$port"; then
        port=$(free_port)
        printf '%s\n' "$port" >"$port_file"
    fi
    printf '%s\n' "$port"
}
