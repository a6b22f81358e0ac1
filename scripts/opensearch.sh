#!/usr/bin/env bash
# Run a project-local OpenSearch cluster from Maven Central's jars.
#
# Usage: scripts/opensearch.sh start [--nodes N] | stop | status
#   start   lay out the home under var/opensearch when needed (Maven, once), start the
#           nodes that are not running (N, default 1) on free loopback ports, wait until
#           the cluster is green, and print one line: SEARCH_URL=opensearch://127.0.0.1:PORT/newsroom
#   stop    stop every node of this checkout
#   status  say which nodes run, and the cluster's health
#
# Environment: OPENSEARCH_HEAP (default 512m) is each node's heap. Node 1 is the only
# cluster-manager-eligible node; the others hold data, so any of them can be lost.
# Each cluster size keeps its own data (var/opensearch/cluster-N), across restarts.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

OPENSEARCH_VERSION=2.19.6
OS_DIR=$VAR_DIR/opensearch
OS_HOME=$OS_DIR/home-$OPENSEARCH_VERSION
OS_RECIPES=$ROOT/scripts/opensearch
OS_HEAP=${OPENSEARCH_HEAP:-512m}
OS_INDEX=newsroom
START_TIMEOUT_SECONDS=180

usage() {
    sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# OpenSearch refuses to run as root. setpriv, unlike runuser, execs in place (so does
# setsid outside a process group leader): $! is then the node's own pid.
service_user_prefix() {
    if ((EUID == 0)); then
        printf '%s\n' setpriv --reuid="$PG_SYSTEM_USER" --regid="$(id -g "$PG_SYSTEM_USER")" --clear-groups
    fi
}

need_tools() {
    local missing=()
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    [[ -d $OS_HOME/lib ]] || command -v mvn >/dev/null || missing+=(maven)
    command -v curl >/dev/null || missing+=(curl)
    ((${#missing[@]})) || return 0
    ((EUID == 0)) || die "missing system packages; install them with: sudo apt-get install -y ${missing[*]}"
    echo "opensearch: installing ${missing[*]} with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The home the tar distribution would unpack: lib/ and one folder per module.
assemble_home() {
    local stamp=$OS_HOME/.complete wanted tmp module jar
    wanted=$(cat "$OS_RECIPES"/lib/pom.xml "$OS_RECIPES"/modules/*/* "$OS_RECIPES"/log4j2.properties |
        sha256sum | cut -d ' ' -f 1)
    [[ -f $stamp && $(<"$stamp") == "$wanted" ]] && return 0
    echo "opensearch: assembling OpenSearch $OPENSEARCH_VERSION in ${OS_HOME#"$ROOT"/} (Maven)" >&2
    tmp=$OS_DIR/home.tmp
    rm -rf "$tmp"
    # The node checks that bin/ and plugins/ exist, as in the tar distribution.
    mkdir -p "$tmp/lib" "$tmp/modules" "$tmp/bin" "$tmp/plugins"
    copy_dependencies "$OS_RECIPES/lib/pom.xml" "$tmp/lib"
    for module in "$OS_RECIPES"/modules/*/; do
        module=$(basename "$module")
        mkdir -p "$tmp/modules/$module"
        copy_dependencies "$OS_RECIPES/modules/$module/pom.xml" "$tmp/modules/$module"
        # A class both in lib/ and in a module stops the node at start ("jar hell").
        for jar in "$tmp/modules/$module"/*.jar; do
            [[ ! -e $tmp/lib/$(basename "$jar") ]] || rm -f "$jar"
        done
        sed "s/@VERSION@/$OPENSEARCH_VERSION/g" \
            "$OS_RECIPES/modules/$module/plugin-descriptor.properties" \
            >"$tmp/modules/$module/plugin-descriptor.properties"
        if [[ -f $OS_RECIPES/modules/$module/plugin-security.policy ]]; then
            cp "$OS_RECIPES/modules/$module/plugin-security.policy" "$tmp/modules/$module/"
        fi
    done
    printf '%s\n' "$wanted" >"$tmp/.complete"
    rm -rf "$OS_HOME"
    mv "$tmp" "$OS_HOME"
}

copy_dependencies() {
    local pom=$1 into=$2 log=$OS_DIR/maven.log
    mvn -B -q -f "$pom" -Dopensearch.version="$OPENSEARCH_VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$into" \
        >"$log" 2>&1 || {
        tail -n 30 "$log" >&2
        die "Maven could not fetch the jars of $pom; see ${log#"$ROOT"/}"
    }
}

node_dir() { printf '%s\n' "$OS_DIR/cluster-$1/node-$2"; }

node_pid() {
    local pid_file
    pid_file="$(node_dir "$1" "$2")/pid"
    [[ -f $pid_file ]] || return 1
    local pid
    pid=$(<"$pid_file")
    process_alive "$pid" && grep -qa org.opensearch.bootstrap.OpenSearch "/proc/$pid/cmdline" &&
        printf '%s\n' "$pid"
}

# The heap a running node was started with (its -Xmx).
node_heap() {
    tr '\0' '\n' <"/proc/$1/cmdline" | sed -n 's/^-Xmx//p'
}

# The cluster this checkout runs now: its size is in var/opensearch/nodes.
running_size() {
    read_port_file "$OS_DIR/nodes"
}

write_node_config() {
    local nodes=$1 number=$2 dir seeds="" other roles
    dir=$(node_dir "$nodes" "$number")
    for ((other = 1; other <= nodes; other++)); do
        seeds+="${seeds:+, }127.0.0.1:$(<"$(node_dir "$nodes" "$other")/transport_port")"
    done
    if ((number == 1)); then roles="cluster_manager, data, ingest"; else roles="data, ingest"; fi
    mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
    cp "$OS_RECIPES/log4j2.properties" "$dir/config/"
    : >"$dir/config/jvm.options"
    {
        echo "# Written by scripts/opensearch.sh at each start."
        echo "cluster.name: newsroom-local-$nodes"
        echo "node.name: node-$number"
        echo "node.roles: [ $roles ]"
        echo "path.data: $dir/data"
        echo "path.logs: $dir/logs"
        echo "network.host: 127.0.0.1"
        echo "http.port: $(<"$dir/http_port")"
        echo "transport.port: $(<"$dir/transport_port")"
        if ((nodes == 1)); then
            echo "discovery.type: single-node"
        else
            echo "discovery.seed_hosts: [ $seeds ]"
            echo "cluster.initial_cluster_manager_nodes: [ node-1 ]"
        fi
        # A nearly full disk must not stop shards from being placed on a developer's machine.
        echo "cluster.routing.allocation.disk.threshold_enabled: false"
        echo "action.destructive_requires_name: true"
    } >"$dir/config/opensearch.yml"
    if ((EUID == 0)); then chown -R "$PG_SYSTEM_USER": "$OS_DIR/cluster-$nodes"; fi
}

launch_node() {
    local nodes=$1 number=$2 dir
    dir=$(node_dir "$nodes" "$number")
    mkdir -p "$dir"
    choose_port "$dir/http_port" >/dev/null
    choose_port "$dir/transport_port" >/dev/null
}

start_node() {
    local nodes=$1 number=$2 dir pid prefix
    dir=$(node_dir "$nodes" "$number")
    write_node_config "$nodes" "$number"
    mapfile -t prefix < <(service_user_prefix)
    # setsid: the node outlives the shell that started it, and takes no signal meant for it.
    setsid "${prefix[@]}" java -Xms"$OS_HEAP" -Xmx"$OS_HEAP" -XX:+UseG1GC \
        -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$dir/logs" \
        -Djava.io.tmpdir="$dir/tmp" -Djna.nosys=true -Dfile.encoding=UTF-8 \
        -Dlog4j2.disable.jmx=true -Dio.netty.noKeySetOptimization=true \
        -Dio.netty.recycler.maxCapacityPerThread=0 -Dopensearch.networkaddress.cache.ttl=60 \
        -cp "$OS_HOME/lib/*" -Dopensearch.path.home="$OS_HOME" -Dopensearch.path.conf="$dir/config" \
        org.opensearch.bootstrap.OpenSearch </dev/null >"$dir/logs/stdout.log" 2>&1 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$dir/pid"
}

http() {
    curl -s --max-time "${2:-5}" "http://127.0.0.1:$1"
}

wait_until_green() {
    local nodes=$1 port deadline number
    port=$(<"$(node_dir "$nodes" 1)/http_port")
    deadline=$((SECONDS + START_TIMEOUT_SECONDS))
    until http "$port/_cluster/health?wait_for_status=green&wait_for_nodes=$nodes&timeout=5s" 10 |
        grep -q '"status":"green"'; do
        for ((number = 1; number <= nodes; number++)); do
            if ! node_pid "$nodes" "$number" >/dev/null; then
                tail -n 30 "$(node_dir "$nodes" "$number")/logs/stdout.log" >&2 || true
                die "OpenSearch node-$number stopped while starting; see" \
                    "${OS_DIR#"$ROOT"/}/cluster-$nodes/node-$number/logs/stdout.log"
            fi
        done
        ((SECONDS < deadline)) || die "the OpenSearch cluster was not green after ${START_TIMEOUT_SECONDS}s"
        sleep 1
    done
    printf 'SEARCH_URL=opensearch://127.0.0.1:%s/%s\n' "$port" "$OS_INDEX"
}

start() {
    local nodes=$1 size number pid heap
    size=$(running_size)
    if [[ -n $size && $size != "$nodes" ]]; then stop_cluster "$size"; fi
    # A node keeps the heap it started with: one asked for another heap is restarted.
    for ((number = 1; number <= nodes; number++)); do
        pid=$(node_pid "$nodes" "$number") || continue
        heap=$(node_heap "$pid")
        if [[ $heap != "$OS_HEAP" ]]; then
            echo "opensearch: restarting the cluster: a heap of $OS_HEAP a node asked, node-$number has $heap" >&2
            stop_cluster "$nodes"
            break
        fi
    done
    need_tools
    assemble_home
    for ((number = 1; number <= nodes; number++)); do
        if ! node_pid "$nodes" "$number" >/dev/null; then launch_node "$nodes" "$number"; fi
    done
    for ((number = 1; number <= nodes; number++)); do
        if ! node_pid "$nodes" "$number" >/dev/null; then start_node "$nodes" "$number"; fi
    done
    printf '%s\n' "$nodes" >"$OS_DIR/nodes"
    wait_until_green "$nodes"
}

stop_cluster() {
    local nodes=$1 number pid attempt
    for ((number = nodes; number >= 1; number--)); do
        pid=$(node_pid "$nodes" "$number") || continue
        kill "$pid"
        for attempt in {1..60}; do
            process_alive "$pid" || break
            ((attempt < 60)) || kill -9 "$pid"
            sleep 0.5
        done
        echo "opensearch: node-$number stopped" >&2
    done
    rm -f "$OS_DIR/nodes"
}

status() {
    local nodes number pid port
    nodes=$(running_size)
    if [[ -z $nodes ]]; then
        echo "opensearch: not running"
        return 0
    fi
    for ((number = 1; number <= nodes; number++)); do
        port=$(<"$(node_dir "$nodes" "$number")/http_port")
        if pid=$(node_pid "$nodes" "$number"); then
            echo "node-$number: running (pid $pid, http 127.0.0.1:$port, heap $(node_heap "$pid"))"
        else
            echo "node-$number: stopped"
        fi
    done
    port=$(<"$(node_dir "$nodes" 1)/http_port")
    http "$port/_cat/health?h=status,node.total,shards" || echo "cluster: not answering"
}

command=${1:-}
shift || true
nodes=1
while (($#)); do
    case $1 in
        --nodes)
            nodes=${2:-}
            [[ $nodes =~ ^[1-9][0-9]*$ ]] || die "--nodes needs a number of nodes, such as --nodes 2"
            shift 2
            ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

mkdir -p "$OS_DIR"
case $command in
    start)
        # bootstrap.sh calls this with the services lock already held.
        [[ -n ${SERVICES_LOCK_HELD:-} ]] || lock_services
        start "$nodes"
        ;;
    stop)
        lock_services
        size=$(running_size)
        [[ -z $size ]] || stop_cluster "$size"
        ;;
    status) status ;;
    -h | --help | help) usage ;;
    *)
        usage >&2
        exit 2
        ;;
esac
