#!/usr/bin/env bash
# kcat (Debian package kcat) against a running longstream service: publish one plain-text document, read its
# outputs. These are the README's kcat commands; KcatExampleTest runs this script against the embedded broker
# of the test context.
#
#   kcat-example.sh [BOOTSTRAP [ID [FILE]]]
#
# BOOTSTRAP: host:port of the cluster. The embedded broker logs it at start-up ("Embedded Kafka broker (KRaft)
# running at localhost:PORT") and writes it to data/kafka/bootstrap.servers.
set -euo pipefail
BOOTSTRAP=${1:-$(cat data/kafka/bootstrap.servers)}
ID=${2:-kcat-example}
FILE=${3:-README.md}

# 1. Publish FILE as one plain-text document with key = document id. Given a file, kcat sends the whole file
#    as one message (from stdin it would send one message per line).
kcat -P -b "$BOOTSTRAP" -t documents -k "$ID" "$FILE"

# 2. Outputs are written in Kafka transactions (exactly_once_v2): read committed records only. Values are
#    Avro single-object binary, so print key, partition@offset and value size rather than the value.
echo "summary of $ID:"
waited=0
until kcat -C -b "$BOOTSTRAP" -t summaries -X isolation.level=read_committed -o beginning -e -q \
    -f '%k %p@%o %S bytes\n' | grep "^$ID "; do
  (( ++waited < ${WAIT_SECONDS:-600} )) || { echo "no summary of $ID after $waited s" >&2; exit 1; }
  sleep 1
done
echo "windows of $ID:"
kcat -C -b "$BOOTSTRAP" -t windows -X isolation.level=read_committed -o beginning -e -q \
  -f '%k %p@%o %S bytes\n' | grep "^$ID "
echo "metrics of $ID:"
kcat -C -b "$BOOTSTRAP" -t metrics -X isolation.level=read_committed -o beginning -e -q \
  -f '%k %p@%o %S bytes\n' | grep "^$ID "

# 3. A value's first bytes: C3 01 (Avro single-object marker), then the writer schema's 8-byte fingerprint.
echo "first bytes of a summary value:"
kcat -C -b "$BOOTSTRAP" -t summaries -X isolation.level=read_committed -o beginning -c 1 -e -q -f '%s' \
  | od -An -tx1 -N10

# Values as JSON lines (decoded, read_committed):
#   bin/longstream consume --topic summaries --from-beginning --bootstrap "$BOOTSTRAP"
