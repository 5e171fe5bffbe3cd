#!/bin/sh
# Builds test/kafka-mock/kafka-mock (a librdkafka mock Kafka cluster for tests).
# Needs the librdkafka development package: apt-get install -y librdkafka-dev
set -eu
cd "$(dirname "$0")/../.."
HEADER=/usr/include/librdkafka/rdkafka_mock.h
if [ ! -f "$HEADER" ] && ! printf '#include <librdkafka/rdkafka.h>\n#include <librdkafka/rdkafka_mock.h>\n' | ${CC:-cc} -E -x c - >/dev/null 2>&1; then
  echo "kafka-mock: <librdkafka/rdkafka_mock.h> not found; install it with: apt-get install -y librdkafka-dev" >&2
  exit 1
fi
OUT=test/kafka-mock/kafka-mock
# Build to a temp name then rename, so concurrent builders never see a partial binary.
TMP="$OUT.tmp.$$"
${CC:-cc} -O2 -Wall -o "$TMP" test/kafka-mock/kafka-mock.c -lrdkafka
mv -f "$TMP" "$OUT"
echo "built $OUT" >&2
