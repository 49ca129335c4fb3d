#!/bin/sh
# Nightshift benchmark harness (issue 4; results in docs/BENCHMARKS.md). Builds the product jar, the harness (Maven
# profile "bench") and the Spark peer (bench/spark, run on Java 17), then runs every case in its own JVM.
#
#   bench/run.sh [--rows N] [--repeat K] [--cases 1,2,3,4,5,6,7,8,10,11] [--rows-large] [--soak [--soak-rows N]] [--no-docs]
#
# --rows N       input rows (default 2,000,000; the heavy MLP scores N/4)
# --repeat K     repetitions, interleaved (default 3)
# --cases LIST   run only these cases (default all but 9; 1 Nightshift, 2 ONNX Runtime ceiling, 3 parquet-java ceiling, 4 Spark,
#                5 checkpoint cost, 6 memory, 7 resume after SIGKILL, 8 one inference call: DJL against the raw session, 9 soak, 10 fixed cost of a run, 11 hand pipeline on one thread)
# --rows-large   case 6 also at 10,000,000 rows (generates 10M rows once; adds several minutes)
# --soak         adds case 9: one 50M-row run (--soak-rows N), rows/s and RSS per minute, chart docs/soak.svg; its
#                input is hard links to a generated 10M-row FLOAT dataset. Alone: --soak --cases 9
# --no-docs      do not append to docs/BENCHMARKS.md or replace docs/benchmarks.svg
# --device gpu   Nightshift and the ONNX Runtime ceiling on CUDA (builds with -Pgpu: onnxruntime_gpu); GPU nodes only
#
# Environment: SPARK_JAVA_HOME (default /usr/lib/jvm/java-17-openjdk-amd64); BENCH_NIGHTSHIFT_JAVA_OPTS adds JVM
# options to every Nightshift child, "{case}" is replaced by the case name, e.g. for a JFR profile:
#   BENCH_NIGHTSHIFT_JAVA_OPTS='-XX:StartFlightRecording=filename=target/bench/{case}.jfr' bench/run.sh --cases 1 --repeat 1
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. "$root/.mvn/java-home.sh"
spark_java_home="${SPARK_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
mkdir -p target/bench
profiles="-Pbench"
previous=""
for argument in "$@"; do
  if [ "$previous" = "--device" ] && [ "$argument" = "gpu" ]; then profiles="-Pbench,gpu"; fi
  previous="$argument"
done

echo "[bench] building target/nightshift.jar and the harness ($profiles)..."
./mvnw -q -B -DskipTests "$profiles" package dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
  -Dmdep.includeScope=test
printf '%s:%s:%s' "$root/target/test-classes" "$root/target/classes" "$(cat target/bench/classpath.txt)" > target/bench/classpath.txt

spark_args=""
if [ -x "$spark_java_home/bin/java" ]; then
  echo "[bench] building the Spark peer (bench/spark)..."
  ./mvnw -q -B -f bench/spark/pom.xml package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  printf '%s:%s' "$root/bench/spark/target/classes" "$(cat bench/spark/target/classpath.txt)" > target/bench/spark-classpath.txt
  spark_args="--spark-classpath target/bench/spark-classpath.txt --spark-java $spark_java_home/bin/java"
else
  echo "[bench] no Java 17 at $spark_java_home (set SPARK_JAVA_HOME): skipping case 4 (Spark)" >&2
fi

exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dai.djl.offline=true \
  -cp "$(cat target/bench/classpath.txt)" io.nightshift.bench.Bench --root "$root" --bench-classpath target/bench/classpath.txt \
  $spark_args "$@"
