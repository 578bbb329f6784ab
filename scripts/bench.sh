#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmarks (README.md, Benchmarks; results in bench/RESULTS.md): builds Release, then in one run measures /metrics of
# nixos-exporter on the demo root next to node_exporter (textfile collector serving the same
# exposition) and nginx (the same bytes as a static file), the first scrape after start,
# freshness after a switch, the scale fixture (1,000 generations, 500-node lock: a full read
# and the monitor's rescans against it), callgrind
# instruction counts per render, and a soak. Prints a table (also in $BENCH_WORK/results.md).
# Usage: bench.sh [--quick]   (--quick: 3 s runs and a 30 s soak, for development)
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
duration=10 warmup=2 soak=600
if [ "${1:-}" = "--quick" ]; then duration=3 warmup=1 soak=30; fi

bash scripts/install-deps.sh bench
build=${BENCH_BUILD:-/tmp/nixos-status-bench}
work=${BENCH_WORK:-/tmp/nixos-status-bench-work}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DNIXOS_STATUS_BUILD_TESTS=OFF -DNIXOS_STATUS_BUILD_TRAY=OFF -DNIXOS_STATUS_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target nixos-exporter bench_scale bench_rescan >/dev/null
exporter=$build/app/nixos-exporter
probe=$src/bench/httpprobe.py

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$work"; mkdir -p "$work"/{textfile,www,logs}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

port_exp=19971 port_node=19100 port_nginx=19080 port_scale=19972
bash resources/demo/make-demo-root.sh "$work/demo" >/dev/null
python3 bench/make-scale-root.py "$work/scale" >/dev/null

# wait_http PORT: until /metrics answers 200 (30 s at most; a loaded machine starts slowly).
wait_http() { for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0; sleep 0.1; done; return 1; }
rss() { awk '/^VmRSS/ {r=$2} /^VmHWM/ {h=$2} END {printf "%.1f %.1f", r/1024, h/1024}' "/proc/$1/status"; }

# First scrape: start to the first 200, five times, median.
first=()
for i in 1 2 3 4 5; do
  out=$(python3 "$probe" first-scrape $port_exp -- "$exporter" --root "$work/demo" --collector.flake \
        --listen=127.0.0.1:$port_exp)
  first+=("$(sed -n 1p <<<"$out")"); kill "$(sed -n 2p <<<"$out")"; sleep 0.2
done
first_ms=$(printf '%s\n' "${first[@]}" | sort -n | sed -n 3p)
first_all=${first[*]}

"$exporter" --root "$work/demo" --collector.flake --listen=127.0.0.1:$port_exp 2>"$work/logs/exporter.log" &
pid_exp=$!; pids+=($pid_exp)
wait_http $port_exp
# Without our process_* and request counter: node_exporter has its own, and its textfile
# collector refuses a family it already collects.
curl -sf http://127.0.0.1:$port_exp/metrics \
  | grep -Ev '^(# (HELP|TYPE) )?(process_|nixos_exporter_http_requests_total)' >"$work/textfile/nixos.prom"
cp "$work/textfile/nixos.prom" "$work/www/metrics"
bytes=$(stat -c %s "$work/www/metrics")

prometheus-node-exporter --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$work/textfile" --web.listen-address=127.0.0.1:$port_node \
  2>"$work/logs/node.log" &
pid_node=$!; pids+=($pid_node)

cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
error_log $work/logs/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/plain;
  gzip on; gzip_types text/plain; gzip_min_length 0;
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$port_nginx; root $work/www; location / { } }
}
NGINX
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work" &
pid_nginx_master=$!; pids+=($pid_nginx_master)
wait_http $port_nginx; wait_http $port_node
pid_nginx=$(pgrep -P "$pid_nginx_master" | head -n1)  # the worker serves the requests
node_bytes=$(curl -sf http://127.0.0.1:$port_node/metrics | wc -c)

# run_wrk NAME PORT SECONDS [header]: prints "rps p50 p99 errors", keeps the log.
run_wrk() {
  local name=$1 port=$2 seconds=$3 header=${4:-}
  local args=(-t2 -c10 --latency)
  [ -n "$header" ] && args+=(-H "$header")
  wrk "${args[@]}" -d"${warmup}s" "http://127.0.0.1:$port/metrics" >/dev/null
  wrk "${args[@]}" -d"${seconds}s" "http://127.0.0.1:$port/metrics" >"$work/logs/wrk-$name.log"
  awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Non-2xx/ {err+=$NF}
    /Socket errors/ {gsub(/,/, ""); err+=$4+$6+$8+$10}
    function us(v) { if (v ~ /us$/) return v+0; if (v ~ /ms$/) return v*1000; if (v ~ /s$/) return v*1000000; return v }
    END {printf "%d %d %d %d", rps, us(p50), us(p99), err+0}' "$work/logs/wrk-$name.log"
}

declare -A r
for mode in plain gzip; do
  header=""; [ $mode = gzip ] && header="Accept-Encoding: gzip"
  for server in exporter node nginx; do
    port_var=port_$server; [ $server = exporter ] && port_var=port_exp
    r[$server-$mode]=$(run_wrk "$server-$mode" "${!port_var}" "$duration" "$header")
  done
done
rss_exp=$(rss $pid_exp) rss_node=$(rss $pid_node) rss_nginx=$(rss $pid_nginx)

# Freshness: re-point /run/current-system (atomically, as nixos-rebuild does) and poll.
demo_current=$(readlink "$work/demo/run/current-system")
demo_booted=$(readlink "$work/demo/run/booted-system")
fresh=()
for i in 1 2 3 4 5 6; do
  if [ $((i % 2)) = 1 ]; then target=$demo_booted want=46; else target=$demo_current want=47; fi
  ln -sfn "$target" "$work/demo/run/.current-new" && mv -T "$work/demo/run/.current-new" "$work/demo/run/current-system"
  fresh+=("$(python3 "$probe" until $port_exp "^nixos_current_generation $want\$" 10)")
  sleep 0.5
done
fresh_ms=$(printf '%s\n' "${fresh[@]}" | sort -n | sed -n 4p)
fresh_all=${fresh[*]}

# Scale: read and render timings in process, then the exporter itself on the scale root.
"$build/bench/bench_scale" "$work/scale" --reads 5 --renders 1000 >"$work/logs/scale.log"
"$build/bench/bench_scale" "$work/scale" --reads 1 --renders 200 --gzip >>"$work/logs/scale.log"
"$build/bench/bench_scale" "$work/demo" --reads 5 --renders 1000 >>"$work/logs/demo-render.log"
"$build/bench/bench_rescan" "$work/scale" --runs 10 >"$work/logs/rescan.log"
"$exporter" --root "$work/scale" --collector.flake --listen=127.0.0.1:$port_scale 2>/dev/null &
pid_scale=$!; pids+=($pid_scale)
wait_http $port_scale
scale_bytes=$(curl -sf http://127.0.0.1:$port_scale/metrics | wc -c)
r[scale-plain]=$(run_wrk scale-plain $port_scale "$duration")
r[scale-gzip]=$(run_wrk scale-gzip $port_scale "$duration" "Accept-Encoding: gzip")
rss_scale=$(rss $pid_scale)
kill $pid_scale

# Callgrind: instructions per render with 1 and with 1,000 renders in the process.
ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : *//p'; }
ir0=$(ir "$build/bench/bench_scale" "$work/demo" --reads 1 --renders 0)
ir1=$(ir "$build/bench/bench_scale" "$work/demo" --reads 1 --renders 1)
ir1000=$(ir "$build/bench/bench_scale" "$work/demo" --reads 1 --renders 1001)
ir_first=$((ir1 - ir0)) ir_per=$(((ir1000 - ir1) / 1000))
# The whole request path in the server (parse, route, render or cache, gzip, write), counted by
# callgrind: a run with 1,100 requests minus one with 100, per request.
server_ir() {
  local n=$1 mode=$2 port=19976 pid
  valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$work/logs/cg-$n-$mode.log" \
    "$exporter" --root "$work/demo" --collector.flake --listen=127.0.0.1:$port 2>/dev/null &
  pid=$!
  wait_http $port
  python3 "$probe" load $port "$n" "$mode"
  kill -TERM $pid; wait $pid || true
  sed -n 's/.*Collected : *//p' "$work/logs/cg-$n-$mode.log"
}
for mode in plain gzip; do
  a=$(server_ir 100 $mode) b=$(server_ir 1100 $mode)
  r[ir-$mode]=$(((b - a) / 1000))
done

# Soak: the exporter under full load; RSS before (after the runs above) and after.
rss_before=$(rss $pid_exp)
r[soak]=$(run_wrk soak $port_exp "$soak")
rss_after=$(rss $pid_exp)
soak_requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/logs/wrk-soak.log")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0 ? a / b : 0)}'; }
field() { cut -d' ' -f"$2" <<<"${r[$1]}"; }
{
  echo "Machine: $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -n1), $(nproc) cores, Debian $(cat /etc/debian_version), Qt $(qtpaths6 --qt-version 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk -t2 -c10, ${duration} s after ${warmup} s warm-up, loopback; /metrics body $bytes bytes (node_exporter's: $node_bytes, its own metrics added)"
  echo
  echo "| server | mode | requests/s | vs node_exporter | p50 µs | p99 µs | errors | RSS MiB (HWM) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for mode in plain gzip; do
    for server in exporter node nginx; do
      case $server in exporter) m="$rss_exp" name=nixos-exporter ;; node) m="$rss_node" name=node_exporter ;; nginx) m="$rss_nginx" name="nginx (static file)" ;; esac
      echo "| $name | $mode | $(field $server-$mode 1) | $(ratio "$(field $server-$mode 1)" "$(field node-$mode 1)")x | $(field $server-$mode 2) | $(field $server-$mode 3) | $(field $server-$mode 4) | ${m% *} (${m#* }) |"
    done
  done
  for mode in plain gzip; do
    echo "| nixos-exporter, scale root ($scale_bytes bytes) | $mode | $(field scale-$mode 1) | | $(field scale-$mode 2) | $(field scale-$mode 3) | $(field scale-$mode 4) | ${rss_scale% *} (${rss_scale#* }) |"
  done
  echo
  echo "First 200 from /metrics after start: median $first_ms ms (runs: $first_all)"
  echo "Freshness, switch of /run/current-system to the new value in /metrics: median $fresh_ms ms (runs: $fresh_all)"
  echo
  echo "Scale (1,000 generations, 500-node lock), in process:"
  sed 's/^/    /' "$work/logs/scale.log"
  echo "Rescans of the scale root with the monitor's cache (cold: a full read; cold_over_this: the ratio of medians):"
  sed 's/^/    /' "$work/logs/rescan.log"
  echo "Demo root, in process:"
  sed 's/^/    /' "$work/logs/demo-render.log"
  echo "Callgrind, demo root: first render $ir_first instructions; per render over 1,000 renders $ir_per"
  echo "Callgrind, exporter process on the demo root, instructions per request (1,100 minus 100 requests, keep-alive): plain ${r[ir-plain]}, gzip ${r[ir-gzip]}"
  echo
  echo "Soak ${soak} s: $soak_requests requests, $(field soak 1) requests/s, p99 $(field soak 3) µs, errors $(field soak 4);" \
       "RSS ${rss_before% *} -> ${rss_after% *} MiB ($(awk -v a="${rss_before% *}" -v b="${rss_after% *}" 'BEGIN {printf "%+.2f", b - a}') MiB), HWM ${rss_after#* } MiB"
} | tee "$work/results.md"
