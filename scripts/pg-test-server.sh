#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite (issue 16: the team store).
#
#   scripts/pg-test-server.sh start          start it (or reuse the running one); prints its URL
#   scripts/pg-test-server.sh url [--socket] the running server's base URL (TCP, or Unix socket)
#   scripts/pg-test-server.sh status         exit 0 when it is running
#   scripts/pg-test-server.sh stop           stop it and delete its cluster (no-op when stopped)
#   scripts/pg-test-server.sh run CMD...     start, run CMD with LINEAGE_DESKTOP_TEST_PG set to
#                                            the base URL, stop again (also when CMD fails) if
#                                            this call started it; exits with CMD's status
#
# The cluster lives in its own folder (LINEAGE_DESKTOP_PG_RUN, by default one per checkout
# under /tmp, so worktrees and other servers on the machine never collide). It listens on a
# Unix socket in that folder and on 127.0.0.1 at a free port, trusts local connections, and
# its superuser is named after the calling user. Durability settings are off (fsync,
# synchronous_commit, full_page_writes): the tests kill clients, never this server.
#
# When initdb is missing and we run as root with apt-get, Debian's `postgresql` package is
# installed (quietly, without its default cluster). initdb and the server refuse root, so
# as root they run as the `postgres` user (or a dedicated system user made for the purpose).
# Where neither the server nor the package can be had, `start` exits 3 with the reason and
# `run` runs CMD with LINEAGE_DESKTOP_TEST_PG_UNAVAILABLE=<reason>: the PostgreSQL tests skip.
#
# Knobs: LINEAGE_DESKTOP_PG_RUN (the folder), LINEAGE_DESKTOP_PG_BINDIR (where initdb and
# postgres live), LINEAGE_DESKTOP_PG_NO_INSTALL=1 (never call apt-get).
set -u

UNAVAILABLE=3
here="$(cd "$(dirname "$0")/.." && pwd)"
checkout_id="$(printf '%s' "$here" | cksum | cut -d' ' -f1)"
run_dir="${LINEAGE_DESKTOP_PG_RUN:-/tmp/ld-pg-$(id -u)-$checkout_id}"
data_dir="$run_dir/data"
me="$(id -un)"

say() { echo "pg-test-server: $*" >&2; }

find_bindir() {
    if [ -n "${LINEAGE_DESKTOP_PG_BINDIR:-}" ]; then
        [ -x "$LINEAGE_DESKTOP_PG_BINDIR/initdb" ] && echo "$LINEAGE_DESKTOP_PG_BINDIR"
        return
    fi
    local dir
    # Debian keeps the server binaries out of PATH, one folder per major version.
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null)"
        [ -x "$dir/initdb" ] && echo "$dir"
    fi
}

install_postgresql() {
    # Only when root with apt-get, and only because initdb is missing.
    [ "${LINEAGE_DESKTOP_PG_NO_INSTALL:-0}" = 1 ] && return 1
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
    say "initdb not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    # postgresql-common first, told not to create (and start) the default cluster on 5432:
    # the tests make their own, and nothing may be left running afterwards.
    apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null 2>&1 || return 1
    local conf=/etc/postgresql-common/createcluster.conf
    if [ -f "$conf" ]; then
        sed -i 's/^#\?\s*create_main_cluster\s*=.*/create_main_cluster = false/' "$conf"
        grep -q '^create_main_cluster = false' "$conf" || echo 'create_main_cluster = false' >>"$conf"
    fi
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || return 1
    # Should a cluster have been made and started anyway, it is ours (there was no
    # PostgreSQL before): stop it.
    if command -v pg_lsclusters >/dev/null 2>&1; then
        pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1, $2}' |
            while read -r version cluster; do pg_ctlcluster "$version" "$cluster" stop || true; done
    fi
}

server_user() {
    # initdb and postgres refuse to run as root.
    if [ "$(id -u)" -ne 0 ]; then echo "$me"; return; fi
    if id postgres >/dev/null 2>&1; then echo postgres; return; fi
    id lineage-pgtest >/dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin lineage-pgtest >/dev/null 2>&1 ||
        return 1
    echo lineage-pgtest
}

as_server_user() {
    # (No bare `return` here: in the EXIT trap it would return the status of the command
    # before the trap, not of the one just run.)
    local user="$1"; shift
    if [ "$user" = "$me" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$user" -- "$@"
    else
        setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' \
        2>/dev/null || echo $((20000 + RANDOM % 40000))
}

is_running() {
    [ -f "$run_dir/port" ] && [ -f "$data_dir/postmaster.pid" ] || return 1
    local pid bindir
    pid="$(head -n 1 "$data_dir/postmaster.pid" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    bindir="$(cat "$run_dir/bindir")"
    "$bindir/pg_isready" -q -h "$run_dir" -p "$(cat "$run_dir/port")" >/dev/null 2>&1
}

print_url() {
    local port; port="$(cat "$run_dir/port")"
    if [ "${1:-}" = --socket ]; then
        echo "postgresql://$me@/postgres?host=$run_dir&port=$port"
    else
        echo "postgresql://$me@127.0.0.1:$port/postgres"
    fi
}

start() {
    if is_running; then print_url; return 0; fi
    local bindir user attempt port
    bindir="$(find_bindir)"
    if [ -z "$bindir" ]; then
        install_postgresql || true
        bindir="$(find_bindir)"
    fi
    if [ -z "$bindir" ]; then
        say "no PostgreSQL server here (initdb not found) and it cannot be installed" \
            "(needs root and apt-get); install Debian's postgresql package to run those tests"
        return $UNAVAILABLE
    fi
    user="$(server_user)" || { say "cannot make an unprivileged user to run the server"; return 1; }
    # A folder left by a server that died (or a machine reboot) is thrown away.
    stop_server quietly
    rm -rf "$run_dir"
    mkdir -p "$run_dir" && chmod 700 "$run_dir" || return 1
    [ "$user" = "$me" ] || chown "$user" "$run_dir" || return 1
    echo "$bindir" >"$run_dir/bindir"
    if ! as_server_user "$user" "$bindir/initdb" -D "$data_dir" -U "$me" --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$run_dir/initdb.log" 2>&1 &&
       ! as_server_user "$user" "$bindir/initdb" -D "$data_dir" -U "$me" --auth=trust \
            --encoding=UTF8 --locale=C --no-sync >"$run_dir/initdb.log" 2>&1; then
        say "initdb failed:"; tail -n 20 "$run_dir/initdb.log" >&2; return 1
    fi
    cat >>"$data_dir/postgresql.conf" <<EOF

# lineage_desktop test server: fast and throwaway
listen_addresses = '127.0.0.1'
unix_socket_directories = '$run_dir'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
max_wal_size = 4GB
max_connections = 300
shared_buffers = 128MB
log_min_messages = warning
log_min_error_statement = panic
EOF
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        if as_server_user "$user" "$bindir/pg_ctl" -D "$data_dir" -l "$run_dir/server.log" \
                -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
            echo "$port" >"$run_dir/port"
            print_url
            return 0
        fi
        grep -q "could not bind\|already in use" "$run_dir/server.log" 2>/dev/null || break
        say "port $port was taken (attempt $attempt); trying another"
    done
    say "the server did not start:"; tail -n 20 "$run_dir/server.log" >&2
    stop_server quietly
    return 1
}

stop_server() {
    [ -f "$data_dir/postmaster.pid" ] || return 0
    local bindir user
    bindir="$(cat "$run_dir/bindir" 2>/dev/null)"
    user="$(stat -c %U "$data_dir")"
    if [ -n "$bindir" ] && as_server_user "$user" "$bindir/pg_ctl" -D "$data_dir" -m fast -w -t 60 \
            stop >"$run_dir/stop.log" 2>&1; then
        return 0
    fi
    # pg_ctl gone or stuck: signal the postmaster ourselves (SIGQUIT: immediate shutdown).
    local pid; pid="$(head -n 1 "$data_dir/postmaster.pid" 2>/dev/null)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    [ "${1:-}" = quietly ] || { say "stopped the server by signal; pg_ctl said:"; cat "$run_dir/stop.log" >&2; }
}

stop() {
    stop_server
    rm -rf "$run_dir"
}

run() {
    local url status started=0
    if is_running; then
        url="$(print_url)"
    else
        url="$(start)"; status=$?
        if [ $status -eq 0 ]; then
            started=1
        elif [ $status -eq $UNAVAILABLE ]; then
            export LINEAGE_DESKTOP_TEST_PG_UNAVAILABLE="no PostgreSQL server here and Debian's postgresql package cannot be installed (needs root and apt-get)"
        else
            export LINEAGE_DESKTOP_TEST_PG_ERROR="scripts/pg-test-server.sh start failed (exit $status); see its messages above"
        fi
    fi
    if [ $started -eq 1 ]; then
        trap stop EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    [ -n "${url:-}" ] && export LINEAGE_DESKTOP_TEST_PG="$url"
    "$@"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) is_running ;;
    url) is_running || { say "not running (scripts/pg-test-server.sh start)"; exit 1; }; print_url "${2:-}" ;;
    run) shift; [ $# -gt 0 ] || { say "run needs a command"; exit 2; }; run "$@" ;;
    *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
