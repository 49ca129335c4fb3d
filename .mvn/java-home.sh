# Sourced by ./mvnw and ./nightshift. Nightshift builds and runs on Java 25; machines often default to an older
# JDK with a 25 installed beside it. Keep JAVA_HOME if it already points to 25+, else look for one.
# The JDK's release file says its version without starting a JVM (a tenth of a second each time, paid by every
# command); a JDK without one is asked.
nightshift_java_major() {
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(nightshift_java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  # The caller may run with globbing off (mvnw uses set -f): turn it on for this search only.
  case $- in *f*) nightshift_noglob=1; set +f ;; *) nightshift_noglob= ;; esac
  for candidate in /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/*25* /usr/lib/jvm/temurin-2[6-9]* /opt/java/openjdk; do
    if [ -x "$candidate/bin/java" ] && [ "$(nightshift_java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      break
    fi
  done
  if [ -n "$nightshift_noglob" ]; then set -f; fi
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(nightshift_java_major "$JAVA_HOME")" -lt 25 ] 2>/dev/null; then
  echo "nightshift: Java 25 or newer is required; set JAVA_HOME to a JDK 25 (e.g. Temurin 25)" >&2
  exit 2
fi
