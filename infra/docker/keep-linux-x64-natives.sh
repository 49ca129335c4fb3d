#!/bin/sh
# Deletes the native libraries of every platform but linux-x64 from the dependency jars in a directory (the
# "dependencies" layer of the extracted Spring Boot jar), so the image carries only what a linux-x64 node loads.
# ONNX Runtime's jar alone holds macOS, Windows and aarch64 builds with their debug symbols (137 of the fat jar's
# 239 MB); zstd-jni and snappy-java carry a dozen platforms each. Used by the Dockerfile's build stages;
# usage: keep-linux-x64-natives.sh DIR
set -eu
dir="$1"
strip() { # JAR PATTERN...: delete the entries matching the patterns; zip exits 12 when none matched, which is fine
  jar="$1"; shift
  zip -q -d "$jar" "$@" 2>/dev/null || [ $? -eq 12 ]
}
found=0
for jar in "$dir"/onnxruntime-[0-9]*.jar "$dir"/onnxruntime_gpu-[0-9]*.jar; do
  [ -f "$jar" ] || continue
  found=1
  strip "$jar" 'ai/onnxruntime/native/linux-aarch64/*' 'ai/onnxruntime/native/osx-*' 'ai/onnxruntime/native/win-*'
done
[ "$found" -eq 1 ] || { echo "keep-linux-x64-natives: no onnxruntime jar in $dir" >&2; exit 1; }
for jar in "$dir"/zstd-jni-*.jar; do
  [ -f "$jar" ] || continue
  strip "$jar" 'aix/*' 'darwin/*' 'freebsd/*' 'win/*' 'linux/aarch64/*' 'linux/arm/*' 'linux/i386/*' 'linux/loongarch64/*' \
    'linux/mips64/*' 'linux/ppc64/*' 'linux/ppc64le/*' 'linux/riscv64/*' 'linux/s390x/*'
done
for jar in "$dir"/snappy-java-*.jar; do
  [ -f "$jar" ] || continue
  strip "$jar" 'org/xerial/snappy/native/AIX/*' 'org/xerial/snappy/native/FreeBSD/*' 'org/xerial/snappy/native/Mac/*' \
    'org/xerial/snappy/native/Windows/*' 'org/xerial/snappy/native/SunOS/*' \
    'org/xerial/snappy/native/Linux/[!x]*' 'org/xerial/snappy/native/Linux/x86/*'
done
