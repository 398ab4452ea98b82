# Sourced by the other scripts: points JAVA_HOME and PATH at a JDK 25 or newer, or fails naming what is missing.
for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ]; then
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ "${version%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate" PATH="$candidate/bin:$PATH"
      return 0 2>/dev/null || exit 0
    fi
  fi
done
echo "lwt: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm); install one, e.g. Temurin 25" >&2
return 1 2>/dev/null || exit 1
