#!/usr/bin/env bash
# Throwaway OpenLDAP server for the directory tests. No systemd, no /etc/ldap changes.
#
#   slapd.sh              create a data dir, seed it, start; prints `export ...` lines
#   slapd.sh start DIR    start the slapd of an existing DIR again (same ports and data)
#   slapd.sh kill DIR [SIGNAL]
#                         stop the slapd of DIR (default SIGKILL, an outage), keep DIR
#   slapd.sh stop DIR [SIGNAL]
#                         stop the slapd of DIR (default SIGTERM) and remove DIR
#   (slapd takes 1-2 s to act on SIGTERM; SIGKILL is immediate and safe for back_mdb)
#
# Needs (Debian): apt-get install -y slapd ldap-utils openssl
# Env: SLAPD_HOST (127.0.0.1) SLAPD_PORT (3890) SLAPDS_PORT (6360) SLAPD_DIR (mktemp -d)
#      LDAP_ADMIN_PW (admin) LDAP_RO_PW (readonly)
#
# Directory (suffix dc=example,dc=com):
#   cn=readonly             read-only service account (reads everything but passwords)
#   ou=people               alice (uid alice, cn "Alice Example", alice@example.com)
#                           bob (uid bob + bob2, cn "Bob One" + "Bob Two", bob@example.com)
#                           star (star*user@example.com: filter metacharacters in the mail)
#   ou=public               carol (carol@example.com): the only subtree anonymous can read
set -euo pipefail

SLAPD=/usr/sbin/slapd

# True while PID runs; a zombie (killed, not yet reaped by init) counts as gone.
running() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null || true)"
  [[ "${stat##*) }" != Z* ]]
}

stop_pid() {
  local dir="$1" signal="$2" pid
  pid="$(cat "$dir/slapd.pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && running "$pid"; then
    kill -CONT "$pid" 2>/dev/null || true # a paused slapd cannot act on SIGTERM
    kill "-$signal" "$pid"
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.05; done
    if running "$pid"; then kill -9 "$pid"; fi
  fi
  rm -f "$dir/slapd.pid"
}

# Starts slapd for an existing, seeded DIR, waits until it answers, prints the exports.
start_dir() {
  local dir="$1"
  # shellcheck source=/dev/null
  source "$dir/ports"
  "$SLAPD" -f "$dir/slapd.conf" -h "ldap://$HOST:$PORT/ ldaps://$HOST:$SPORT/" 2>>"$dir/slapd.log"
  local ok=0
  for _ in $(seq 1 100); do
    if ldapsearch -x -LLL -H "ldap://$HOST:$PORT" -s base -b "" namingContexts >/dev/null 2>&1; then
      ok=1
      break
    fi
    sleep 0.1
  done
  if [[ $ok != 1 ]]; then
    echo "slapd did not answer on ldap://$HOST:$PORT (log: $dir/slapd.log)" >&2
    exit 1
  fi
  cat <<EOF
export SLAPD_DIR='$dir'
export SLAPD_PID='$(cat "$dir/slapd.pid")'
export SLAPD_HOST='$HOST'
export SLAPD_PORT='$PORT'
export SLAPDS_PORT='$SPORT'
export LDAP_URL='ldap://$HOST:$PORT'
export LDAPS_URL='ldaps://$HOST:$SPORT'
export LDAP_CA_FILE='$dir/ca.pem'
export LDAP_OTHER_CA_FILE='$dir/other-ca.pem'
export LDAP_BASE_DN='$SUFFIX'
export LDAP_ADMIN_DN='cn=admin,$SUFFIX'
export LDAP_ADMIN_PW='$ADMIN_PW'
export LDAP_BIND_DN='cn=readonly,$SUFFIX'
export LDAP_BIND_PW='$RO_PW'
EOF
}

case "${1:-}" in
  stop)
    dir="${2:?usage: $0 stop DIR [SIGNAL]}"
    stop_pid "$dir" "${3:-TERM}"
    rm -rf "$dir"
    exit 0
    ;;
  kill)
    dir="${2:?usage: $0 kill DIR [SIGNAL]}"
    stop_pid "$dir" "${3:-KILL}"
    exit 0
    ;;
  start)
    start_dir "${2:?usage: $0 start DIR}"
    exit 0
    ;;
  "") ;;
  *)
    echo "usage: $0 [start DIR | kill DIR [SIGNAL] | stop DIR [SIGNAL]]" >&2
    exit 2
    ;;
esac

[[ -x $SLAPD ]] || { echo "slapd missing: apt-get install -y slapd ldap-utils" >&2; exit 1; }

HOST="${SLAPD_HOST:-127.0.0.1}"
PORT="${SLAPD_PORT:-3890}"
SPORT="${SLAPDS_PORT:-6360}"
ADMIN_PW="${LDAP_ADMIN_PW:-admin}"
RO_PW="${LDAP_RO_PW:-readonly}"
SUFFIX="dc=example,dc=com"
DIR="${SLAPD_DIR:-$(mktemp -d /tmp/slapd-test.XXXXXX)}"
mkdir -p "$DIR/db"

cat >"$DIR/ports" <<EOF
HOST='$HOST'
PORT='$PORT'
SPORT='$SPORT'
SUFFIX='$SUFFIX'
ADMIN_PW='$ADMIN_PW'
RO_PW='$RO_PW'
EOF

# 1. a test CA that signs the server certificate (CN localhost, SAN localhost + 127.0.0.1),
#    and an unrelated CA that signs nothing (for "unknown CA" tests). EC keys: fast.
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
new_ca() {
  new_key "$DIR/$1-key.pem"
  openssl req -x509 -new -key "$DIR/$1-key.pem" -days 2 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$DIR/$1.pem" 2>/dev/null
}
new_ca ca "automx2-nest test CA"
new_ca other-ca "automx2-nest unrelated CA"
new_key "$DIR/key.pem"
openssl req -new -key "$DIR/key.pem" -subj "/CN=localhost" -out "$DIR/server.csr" 2>/dev/null
cat >"$DIR/server.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EOF
openssl x509 -req -in "$DIR/server.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca-key.pem" \
  -CAcreateserial -days 2 -extfile "$DIR/server.ext" -out "$DIR/cert.pem" 2>/dev/null
chmod 600 "$DIR"/*key.pem

hash() { /usr/sbin/slappasswd -h '{SSHA}' -s "$1"; }

# 2. slapd.conf (static config; simpler than cn=config for a throwaway server)
cat >"$DIR/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile  $DIR/slapd.pid
argsfile $DIR/slapd.args
loglevel stats
TLSCACertificateFile  $DIR/ca.pem
TLSCertificateFile    $DIR/cert.pem
TLSCertificateKeyFile $DIR/key.pem

database mdb
maxsize  104857600
suffix   "$SUFFIX"
rootdn   "cn=admin,$SUFFIX"
rootpw   $(hash "$ADMIN_PW")
directory $DIR/db
index objectClass eq
index uid,mail eq

access to attrs=userPassword
  by self write
  by anonymous auth
  by * none
access to dn.subtree="ou=public,$SUFFIX"
  by * read
access to *
  by dn.exact="cn=readonly,$SUFFIX" read
  by self read
  by * none
EOF

# 3. seed data, loaded offline with slapadd (no network round trips)
cat >"$DIR/seed.ldif" <<EOF
dn: $SUFFIX
objectClass: dcObject
objectClass: organization
dc: example
o: Example Inc.

dn: cn=readonly,$SUFFIX
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: readonly
description: read-only service account for the autoconfig service
userPassword: $(hash "$RO_PW")

dn: ou=people,$SUFFIX
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,$SUFFIX
objectClass: inetOrgPerson
uid: alice
cn: Alice Example
sn: Example
mail: alice@example.com

dn: uid=bob,ou=people,$SUFFIX
objectClass: inetOrgPerson
uid: bob
uid: bob2
cn: Bob One
cn: Bob Two
sn: One
mail: bob@example.com

dn: uid=star,ou=people,$SUFFIX
objectClass: inetOrgPerson
uid: star
cn: Star User
sn: User
mail: star*user@example.com

dn: ou=public,$SUFFIX
objectClass: organizationalUnit
ou: public

dn: uid=carol,ou=public,$SUFFIX
objectClass: inetOrgPerson
uid: carol
cn: Carol Public
sn: Public
mail: carol@example.com
EOF
/usr/sbin/slapadd -q -f "$DIR/slapd.conf" -l "$DIR/seed.ldif"

# 4. start (slapd daemonizes itself and writes $DIR/slapd.pid); runs as the calling user.
start_dir "$DIR"
