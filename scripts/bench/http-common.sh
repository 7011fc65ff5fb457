#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
#
# Sourced by the HTTP benchmarks (http.sh, tracing.sh): starting and stopping a server, wrk runs and their
# medians, and seeding the shop with 1,000 orders. Expects WORK, RUNS, SECONDS_PER_RUN and CONNECTIONS set, and
# SERVER_PID initialised.

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
    if ! command -v wrk >/dev/null; then
        echo "==> installing wrk (Debian's package)"
        if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
    fi
}

# Starts a server command in the background and sets BASE to the URL it prints on stdout.
start_server() {
    local out="$WORK/server-$RANDOM.out"
    "$@" >"$out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
        BASE="$(grep -o 'http://[0-9.]*:[0-9]*' "$out" | head -n1 || true)"
        [ -n "$BASE" ] && return 0
        sleep 0.05
    done
    echo "server did not start:" >&2
    cat "$WORK/server.err" >&2
    exit 1
}

stop_server() {
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=""
}

# The server's CPU time so far (user and system), in clock ticks; empty when /proc cannot tell. Its name in
# /proc/PID/stat is in parentheses and may hold spaces, so the fields are counted after it.
server_ticks() {
    if [ -n "${SERVER_PID:-}" ] && [ -r "/proc/$SERVER_PID/stat" ]; then
        sed 's/.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12 + $13}'
    fi
}

# One wrk run; prints "requests/s p50-ms p99-ms non-2xx cpu-µs-per-request". The server's CPU time per request
# moves less than its throughput on a machine it shares with wrk, so it shows smaller changes.
run_wrk() {
    local script="$1" url="$2"
    local out="$WORK/wrk.out"
    local before after
    before="$(server_ticks)"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$script" "$url" >"$out"
    after="$(server_ticks)"
    local rps p50 p99 errors requests cpu="n/a"
    rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
    p50="$(awk '$1 == "50%" {print $2}' "$out")"
    p99="$(awk '$1 == "99%" {print $2}' "$out")"
    errors="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")"
    requests="$(awk '/requests in/ {print $1}' "$out")"
    if [ -n "$before" ] && [ -n "$after" ] && [ "${requests:-0}" -gt 0 ]; then
        cpu="$(awk -v t="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.0f", t * 1000000 / hz / n}')"
    fi
    echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${errors:-0} $cpu"
}

# wrk prints latencies as 1.23ms, 456.00us or 1.02s.
to_ms() {
    case "$1" in
        *us) awk -v v="${1%us}" 'BEGIN {printf "%.2f", v / 1000}' ;;
        *ms) awk -v v="${1%ms}" 'BEGIN {printf "%.2f", v}' ;;
        *s) awk -v v="${1%s}" 'BEGIN {printf "%.2f", v * 1000}' ;;
        *) echo "n/a" ;;
    esac
}

# Runs one workload RUNS times and prints its median line.
measure() {
    local label="$1" script="$2" url="$3"
    local lines=()
    for _ in $(seq 1 "$RUNS"); do lines+=("$(run_wrk "$script" "$url")"); done
    printf '%s\n' "${lines[@]}" | sort -n -k1 | awk -v label="$label" -v runs="$RUNS" '
        { rps[NR] = $1; p50[NR] = $2; p99[NR] = $3; errors += $4; cpu[NR] = $5 }
        END {
            m = int((runs + 1) / 2)
            printf "%-44s %10.0f %10.0f %10.0f %9s %9s %8d %11s\n", label, rps[m], rps[1], rps[runs], p50[m], p99[m], errors, cpu[m]
        }'
}

write_scripts() {
    local orders_file="$1"
    {
        printf 'orders = {'
        sed 's/.*/"&",/' "$orders_file" | tr -d '\n'
        printf '}\n'
        cat <<'LUA'
request = function()
    local id = orders[math.random(#orders)]
    local body = '{"sku":"s' .. math.random(20) .. '","quantity":1,"unitPriceCents":100}'
    return wrk.format("POST", "/orders/" .. id .. "/lines", {["Content-Type"] = "application/json"}, body)
end
LUA
    } >"$WORK/commands.lua"
    {
        printf 'orders = {'
        sed 's/.*/"&",/' "$orders_file" | tr -d '\n'
        printf '}\n'
        cat <<'LUA'
request = function()
    return wrk.format("GET", "/orders/" .. orders[math.random(#orders)])
end
LUA
    } >"$WORK/queries.lua"
    # The same queries, each carrying a read-your-writes token the views have already reached (the position of
    # the last seeding command): what checking a token costs.
    {
        printf 'orders = {'
        sed 's/.*/"&",/' "$orders_file" | tr -d '\n'
        printf '}\n'
        printf 'token = "%s"\n' "$SEED_POSITION"
        cat <<'LUA'
request = function()
    return wrk.format("GET", "/orders/" .. orders[math.random(#orders)], {["Strata-Min-Position"] = token})
end
LUA
    } >"$WORK/queries-token.lua"
    # Nine queries to one command, the shape of most read-heavy services.
    {
        printf 'orders = {'
        sed 's/.*/"&",/' "$orders_file" | tr -d '\n'
        printf '}\n'
        cat <<'LUA'
counter = 0
request = function()
    counter = counter + 1
    local id = orders[math.random(#orders)]
    if counter % 10 == 0 then
        local body = '{"sku":"s' .. math.random(20) .. '","quantity":1,"unitPriceCents":100}'
        return wrk.format("POST", "/orders/" .. id .. "/lines", {["Content-Type"] = "application/json"}, body)
    end
    return wrk.format("GET", "/orders/" .. id)
end
LUA
    } >"$WORK/mixed.lua"
    # Every command on one order: a hot aggregate, where commands in one process take turns instead of racing
    # (before they did, most of them ran out of retries and were answered 409).
    {
        printf 'order = "%s"\n' "$(head -n1 "$orders_file")"
        cat <<'LUA'
request = function()
    local body = '{"sku":"s' .. math.random(20) .. '","quantity":1,"unitPriceCents":100}'
    return wrk.format("POST", "/orders/" .. order .. "/lines", {["Content-Type"] = "application/json"}, body)
end
LUA
    } >"$WORK/hot.lua"
}

# Registers a customer and places 1,000 orders, so that commands spread over many aggregates. A command adds one
# of 20 skus to a random order (a sku it has already raises the quantity), so orders stay within the shop's
# limits however long the run, and after the first command run every order shows about 20 lines to the queries.
seed_shop() {
    local customer
    customer="$(curl -sf -X POST "$BASE/customers" -d '{"name":"Bench","email":"bench-'$RANDOM'@example.com"}' | sed 's/.*"id":"\([^"]*\)".*/\1/')"
    : >"$WORK/orders.txt"
    # Eight at a time: placing them one by one would wait for a thousand commits in a row.
    mkdir -p "$WORK/placed"
    seq 1 1000 | xargs -P 8 -I{} curl -sf -X POST "$BASE/orders" -d '{"customerId":"'"$customer"'"}' -o "$WORK/placed/{}"
    for reply in "$WORK/placed"/*; do sed 's/.*"id":"\([^"]*\)".*/\1/' "$reply"; echo; done | grep . >"$WORK/orders.txt"
    SEED_POSITION="$(for reply in "$WORK/placed"/*; do sed 's/.*"position":\([0-9]*\).*/\1/' "$reply"; echo; done | grep . | sort -n | tail -n1)"
    rm -rf "$WORK/placed"
    write_scripts "$WORK/orders.txt"
}
