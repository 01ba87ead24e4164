#!/usr/bin/env sh
# Regenerates the test-only TLS fixtures used by test/support/kube-server.ts.
# Run once; the outputs are committed. Nothing here protects anything real: the keys are public.
#   ca.pem          self-signed test CA the Kubernetes API stand-in's certificate chains to
#   server.pem/key  server certificate for 127.0.0.1 / localhost, signed by ca.pem
#   other-ca.pem    an unrelated CA, to prove a wrong cluster CA is refused
set -eu
cd "$(dirname "$0")"
days=36500
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -keyout "$tmp/ca.key" -out ca.pem -subj "/CN=drift-audit test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout server.key -out "$tmp/server.csr" -subj "/CN=kube-apiserver-loopback"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > "$tmp/ext.cnf"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey "$tmp/ca.key" -CAserial "$tmp/ca.srl" -CAcreateserial \
  -days "$days" -out server.pem -extfile "$tmp/ext.cnf"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
  -keyout "$tmp/other-ca.key" -out other-ca.pem -subj "/CN=drift-audit unrelated test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
