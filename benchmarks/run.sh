#!/usr/bin/env bash
# Reproduces the whole benchmark report: builds Nudgeflow, then runs every stage side by side and writes
# benchmarks/results/{results.md,results.json,report.html}. About 16 minutes on 2 cores.
#   benchmarks/run.sh            the full report
#   benchmarks/run.sh --smoke    every stage, tiny (about a minute): checks the harness works
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results
for arg in "$@"; do
  if [ "$arg" = "--smoke" ]; then out=benchmarks/target/smoke-results; fi
done
mvn -B -q -ntp -DskipTests install
(cd benchmarks && mvn -B -q -ntp package)
exec java -Xms4g -Xmx8g -XX:+UseG1GC \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  io.nudgeflow.bench.Bench --out "$out" "$@"
