#!/bin/sh
# Start-up cost of the small commands, as a user at a terminal pays it: wall-clock time and peak RSS (from
# /usr/bin/time -v) of `--help`, `status` and relaunch refusals through the launcher ./nightshift, each run K times,
# median reported. Results are written up in docs/BENCHMARKS.md ("Start-up of the small commands").
#
#   bench/startup.sh [K]        (default 5 repetitions)
#
# It scores the demo once into a temporary home (target/bench/startup/home) so `status` has runs to list and
# `relaunch 1` is a COMPLETED run; `relaunch 999` is an unknown run. Two status cases: "status" finds the home's
# database server running (the usual case: a command ran in the last 30 s), "status cold" waits for the server to
# have exited first (its idle timeout is set to 1 s here), so it pays for starting it too.
# NIGHTSHIFT_HEAP and NIGHTSHIFT_JAVA_OPTS reach the launcher as usual, to compare JVM settings.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
repeat="${1:-5}"
work="$root/target/bench/startup"
home="$work/home"
mkdir -p "$work"
cd "$root"
export NIGHTSHIFT_HOME="$home"
idle="-Dnightshift.database.server-idle-timeout=1s"
if [ ! -d "$home" ]; then
  echo "[startup] scoring the demo once into $home ..."
  ./nightshift demo --directory "$work/demo" > "$work/demo.out" 2>&1 || { cat "$work/demo.out"; exit 1; }
fi
./nightshift --help > /dev/null 2>&1 || true   # builds the jar if needed, warms the page cache

# measure NAME COMMAND...: K runs, prints "NAME  median wall s  median max RSS MB  exit code"
measure() {
  name="$1"; shift
  walls=""; rsss=""; code=0
  i=0
  while [ "$i" -lt "$repeat" ]; do
    options=""
    if [ "$name" = "status cold" ]; then
      options="$idle"
      sleep 3   # the server this case started (idle timeout 1 s) exits in between
    fi
    code=0
    NIGHTSHIFT_JAVA_OPTS="${NIGHTSHIFT_JAVA_OPTS:-} $options" /usr/bin/time -v -o "$work/time.txt" "$@" > "$work/out.txt" 2>&1 || code=$?
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    walls="$walls $wall"; rsss="$rsss $rss"
    i=$((i + 1))
  done
  median_wall=$(echo "$walls" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  median_rss=$(echo "$rsss" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%d", a[int((NR + 1) / 2)] / 1024 }')
  printf '%-22s %6.2f s %6d MB   exit %d   (walls:%s)\n' "$name" "$median_wall" "$median_rss" "$code" "$walls"
}

echo "[startup] $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $repeat runs each, median"
measure "--help" ./nightshift --help
./nightshift status > /dev/null 2>&1   # the database server is up (idle timeout 30 s) for the warm cases
measure "status" ./nightshift status
measure "relaunch COMPLETED" ./nightshift relaunch 1
measure "relaunch unknown" ./nightshift relaunch 999
echo "[startup] waiting for the database server to exit (35 s) ..."
sleep 35
measure "status cold" ./nightshift status
