#!/usr/bin/env bash
# A private RabbitMQ node for tests, run as the current user without systemd
# (platform-notes §3): its own HOME (Erlang cookie), node name, ports, mnesia and log dirs.
#
#   rabbitmq.sh start DIR AMQP_PORT DIST_PORT EPMD_PORT   # returns when the broker is ready
#   rabbitmq.sh stop  DIR AMQP_PORT DIST_PORT EPMD_PORT   # stops it and its epmd
set -u
cmd=$1 dir=$2 amqp=$3 dist=$4 epmd=$5
node="herald$amqp@localhost"

rmq() {
  env HOME="$dir" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp" \
      RABBITMQ_DIST_PORT="$dist" ERL_EPMD_PORT="$epmd" \
      RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid" \
      RABBITMQ_CONF_ENV_FILE="$dir/env.conf" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" PATH="/usr/lib/rabbitmq/bin:$PATH" "$@"
}

case "$cmd" in
  start)
    mkdir -p "$dir/mnesia" "$dir/log"
    : > "$dir/env.conf"; echo '[].' > "$dir/enabled_plugins"; : > "$dir/rabbitmq.conf"
    ( cd "$dir" && rmq setsid rabbitmq-server >>"$dir/server.out" 2>&1 </dev/null & )
    # `wait` (not await_startup) waits for the pid file, then distribution, then the apps.
    if ! rmq timeout 120 rabbitmqctl -q wait --timeout 110 "$dir/rabbit.pid" >>"$dir/server.out" 2>&1; then
      echo "rabbitmq did not start; see $dir/server.out and $dir/log" >&2
      tail -20 "$dir/server.out" >&2
      exit 1
    fi
    ;;
  stop)
    if [ -f "$dir/rabbit.pid" ]; then
      pid=$(cat "$dir/rabbit.pid")
      rmq timeout 60 rabbitmqctl -q stop "$dir/rabbit.pid" >>"$dir/server.out" 2>&1 || kill -9 "$pid" 2>/dev/null
      rm -f "$dir/rabbit.pid"
    fi
    rmq epmd -kill >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop DIR AMQP_PORT DIST_PORT EPMD_PORT" >&2; exit 2 ;;
esac
