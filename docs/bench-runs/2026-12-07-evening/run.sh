#!/usr/bin/env bash
# Sequential measurements on a quiet machine; each writes to /tmp/m2/<name>
set -u
L="--rate 1000 --segment-ms 5000 --rounds 4 --warmup-ms 15000 --capacity-rates=0 --archive-records=0 --batching-ms=0"
C="--rate 1000 --segment-ms 5000 --rounds 6 --warmup-ms 10000 --capacity-rates=1000,2000,3000 --archive-records=0 --batching-ms=0"
A="--rate 300 --segment-ms 5000 --rounds 6 --warmup-ms 15000 --capacity-rates=0 --archive-records=0 --batching-ms=0 --targets rendezvous,kafka-3-hops"
T="--rate 1000 --segment-ms 5000 --rounds 4 --warmup-ms 15000 --capacity-rates=0 --archive-records=0 --batching-ms=0 --targets rendezvous,kafka-3-hops"
run() { name=$1; dir=$2; shift 2; echo "=== $name $(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"; (cd $dir && timeout 1200 "$@" --out /tmp/m2/$name > /tmp/m2/$name.log 2>&1); echo "rc=$? $(date +%T)"; }
run abl-after-jvm /work/main java -jar bench/target/rendezvous-bench.jar run $L --ablation
run abl-before-jvm /work/wt-before java -jar bench/target/rendezvous-bench.jar run $L --ablation
run cmp-after-jvm /work/main java -jar bench/target/rendezvous-bench.jar run $C
run cmp-after-proc /work/main java -jar bench/target/rendezvous-bench.jar run $C --platform process
run an-off-1 /work/main java -jar bench/target/rendezvous-bench.jar run $A
run an-on-1 /work/main java -Drdv.bench.platform.services=[gateway,rendezvous,models,decoy,archiver,analytics] -jar bench/target/rendezvous-bench.jar run $A
run an-off-2 /work/main java -jar bench/target/rendezvous-bench.jar run $A
run an-on-2 /work/main java -Drdv.bench.platform.services=[gateway,rendezvous,models,decoy,archiver,analytics] -jar bench/target/rendezvous-bench.jar run $A
run ts-1core /work/main taskset -c 0 java -jar bench/target/rendezvous-bench.jar run $T
run ts-2core /work/main java -jar bench/target/rendezvous-bench.jar run $T
run abl-after-proc /work/main java -jar bench/target/rendezvous-bench.jar run $L --ablation --platform process
echo ALLDONE
