#!/usr/bin/env bash
set -u
A="--rate 150 --segment-ms 5000 --rounds 6 --warmup-ms 15000 --capacity-rates=0 --archive-records=0 --batching-ms=0 --targets rendezvous,kafka-3-hops"
run() { name=$1; dir=$2; shift 2; echo "=== $name $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; (cd $dir && timeout 1200 "$@" --out /tmp/m3/$name > /tmp/m3/$name.log 2>&1); echo "rc=$? $(date +%T)"; }
run an-off-1 /work/main java -jar bench/target/rendezvous-bench.jar run $A
run an-on-1 /work/main java -Drdv.bench.platform.services=[gateway,rendezvous,models,decoy,archiver,analytics] -jar bench/target/rendezvous-bench.jar run $A
run an-off-2 /work/main java -jar bench/target/rendezvous-bench.jar run $A
run an-on-2 /work/main java -Drdv.bench.platform.services=[gateway,rendezvous,models,decoy,archiver,analytics] -jar bench/target/rendezvous-bench.jar run $A
run an-off-3 /work/main java -jar bench/target/rendezvous-bench.jar run $A
run an-on-3 /work/main java -Drdv.bench.platform.services=[gateway,rendezvous,models,decoy,archiver,analytics] -jar bench/target/rendezvous-bench.jar run $A
echo ALLDONE
