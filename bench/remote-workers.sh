#!/bin/sh
# Remote partitioning throughput: one manager and 1, then 3, `nightshift worker` processes on this machine, sharing
# a PostgreSQL schema and a RabbitMQ queue (docs/BENCHMARKS.md, "Remote workers"). Input: the demo's 240,000 rows
# copied COPIES times (default 10: 2.4M rows), 20 partitions.
#
#   bench/remote-workers.sh [COPIES]
#
# Needs target/nightshift.jar (./mvnw -DskipTests package), PostgreSQL at 127.0.0.1:5432 (database test, user
# postgres, trust) and RabbitMQ at 127.0.0.1:5672 (guest/guest). Prints each case's summary line.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/.mvn/java-home.sh"
copies="${1:-10}"
work="$root/target/bench/remote"
rm -rf "$work" && mkdir -p "$work/input"
java="$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx512m -Dai.djl.offline=true -jar $root/target/nightshift.jar"
export NIGHTSHIFT_HOME="$work/home"
$java demo --directory "$work/demo" > "$work/demo.log" 2>&1
i=0
while [ "$i" -lt "$copies" ]; do
  for file in "$work"/demo/input/*.parquet; do cp "$file" "$work/input/copy$i-$(basename "$file")"; done
  i=$((i + 1))
done
schema="ns_bench_$$"
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema"
trap 'psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA $schema CASCADE"' EXIT
export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" SPRING_DATASOURCE_USERNAME=postgres
export SPRING_FLYWAY_SCHEMAS="$schema" SPRING_FLYWAY_DEFAULT_SCHEMA="$schema" NIGHTSHIFT_REMOTE_POLL_INTERVAL=200ms
rows=$((copies * 240000))
for workers in 1 3; do
  export NIGHTSHIFT_REMOTE_QUEUE="nightshift.bench.$$.$workers"
  cat > "$work/remote-$workers.yaml" <<SPEC
name: bench-remote-$workers
model: $work/demo/model
input: $work/input/*.parquet
output: $work/output-$workers
id-column: customer_id
commit-interval: 50000
threads: 1
partitions: {mode: remote, target-rows: $((rows / 20))}
SPEC
  pids=""
  n=1
  while [ "$n" -le "$workers" ]; do
    $java worker > "$work/worker-$workers-$n.log" 2>&1 &
    pids="$pids $!"
    n=$((n + 1))
  done
  # By name, not by a glob: a background worker's log may not exist yet when the shell would expand one.
  n=1
  while [ "$n" -le "$workers" ]; do
    until grep -q "takes partitions" "$work/worker-$workers-$n.log" 2>/dev/null; do sleep 0.2; done
    n=$((n + 1))
  done
  $java run "$work/remote-$workers.yaml" > "$work/manager-$workers.log" 2>&1
  echo "[bench] $workers worker(s), $rows rows: $(grep -E 'throughput' "$work/manager-$workers.log" | sed 's/^ *//'); $(grep -E 'phases' "$work/manager-$workers.log" | sed 's/^ *//')"
  for pid in $pids; do kill -TERM "$pid"; done
  wait
done
# The same rows in one local process (2 threads), for comparison.
cat > "$work/local.yaml" <<SPEC
name: bench-local
model: $work/demo/model
input: $work/input/*.parquet
output: $work/output-local
id-column: customer_id
commit-interval: 50000
threads: 2
SPEC
$java run "$work/local.yaml" > "$work/local.log" 2>&1
echo "[bench] local, 2 threads, $rows rows: $(grep -E 'throughput' "$work/local.log" | sed 's/^ *//'); $(grep -E 'phases' "$work/local.log" | sed 's/^ *//')"
