#!/bin/sh
# Builds the root file system the image adds on top of `scratch` (docs/decisions/013-*):
# a jlinked Java runtime in /opt/java, the shared libraries it and the JNI libraries in the
# jars (ONNX Runtime, DuckDB, zstd, snappy) need, a passwd entry for the non-root user, and
# world-writable /tmp and /data. Run by Maven (package phase); skipped when the same module
# list, JDK and script were already linked into the same directory, so an incremental build pays nothing.
#
# usage: build-runtime.sh <jdk home> <output directory> <comma-separated modules>
set -eu
jdk="$1"; root="$2"; modules="$3"
stamp="$root.stamp"
identity="$modules $(grep JAVA_RUNTIME_VERSION "$jdk/release") script $(cksum < "$0")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$identity" ]; then
  exit 0
fi
rm -rf "$root"
mkdir -p "$root/opt" "$root/lib/x86_64-linux-gnu" "$root/lib64" "$root/etc" "$root/tmp" "$root/data"
# No --compress: linking takes ~4 s instead of ~16 s, and the image layer is gzip'd anyway.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$root/opt/java"
# The libraries the runtime's own native code needs, by ldd, plus those the JNI libraries
# unpacked from jars at run time link against (not in the runtime, so ldd cannot see them; ImageEntrypointIT
# lists every one of those and fails on a library resolved outside the image).
libs=$( (ldd "$root/opt/java/bin/java" "$root"/opt/java/lib/server/libjvm.so "$root"/opt/java/lib/libjava.so "$root"/opt/java/lib/libnet.so \
          "$root"/opt/java/lib/libnio.so "$root"/opt/java/lib/libzip.so "$root"/opt/java/lib/libmanagement*.so "$root"/opt/java/lib/libjaas.so 2>/dev/null || true) \
        | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p' | sort -u)
for lib in $libs libc.so.6 libm.so.6 libdl.so.2 librt.so.1 libpthread.so.0 libstdc++.so.6 libgcc_s.so.1 libz.so.1 libutil.so.1; do
  name=$(basename "$lib")
  case "$lib" in
    "$root"/*) continue ;;   # the runtime's own
  esac
  [ -f "$root/lib/x86_64-linux-gnu/$name" ] || cp -L "/lib/x86_64-linux-gnu/$name" "$root/lib/x86_64-linux-gnu/$name"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
printf 'root:x:0:0:root:/root:/sbin/nologin\nrendezvous:x:65532:65532:rendezvous:/data:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nrendezvous:x:65532:\n' > "$root/etc/group"
# glibc looks names up in files, then DNS (Kubernetes mounts /etc/hosts and /etc/resolv.conf).
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
# ONNX Runtime (1.29) reads /etc/os-release and /etc/machine-id when it creates its environment and
# crashes the JVM (SIGSEGV in fclose) when they are missing, as they are in a scratch image: found by running
# the image's file system in a chroot; ImageEntrypointIT checks both are here. The machine id is the same in
# every container of this image: nothing of ours reads it.
printf 'NAME="Rendezvous (scratch + jlinked Java)"\nID=rendezvous\nVERSION_ID=1\n' > "$root/etc/os-release"
printf '72656e64657a766f7573696d61676531\n' > "$root/etc/machine-id"
echo "$identity" > "$stamp"
