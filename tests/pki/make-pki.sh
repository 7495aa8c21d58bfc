#!/bin/sh
# make-pki.sh: regenerate the test PKI under tests/pki (needs openssl 3).
#
#   root        ufetch test root CA (ECDSA P-256), trusted by the tests
#   int         intermediate CA signed by root; signs the leaves
#   leaf-ec     ECDSA P-256 leaf: DNS localhost, IP 127.0.0.1 and ::1
#   leaf-rsa    RSA-2048 leaf, same names
#   expired     valid 2020-2021;  notyet: valid 2090-2099
#   wrongname   DNS wrong.example only
#   selfsigned  a self-signed leaf for localhost
#   rogue-*     a CA nobody trusts and a leaf it signed
#   other-*     unrelated CAs that fill the bundles
#   ed-ca       an Ed25519 CA, which BearSSL cannot parse
#   leaf-p384   ECDSA P-384 leaf, the names of leaf-ec (for TLS 1.3 tests;
#               its key also as leaf-p384.key.pem)
#   leaf-p521   ECDSA P-521 leaf, the names of leaf-ec, under p521-ca (an
#               ECDSA P-256 root of its own, trusted by the tests that
#               use it: added after the rest, whose CA keys are gone)
#
# Certificates each check of ufetch's must refuse (or accept):
#   wild-com    DNS *.com: a wildcard over one label
#   wild-ok     DNS *.example.com
#   nc-ca       CA under root with non-critical nameConstraints: permitted
#               DNS .example.org and IP 127.0.0.0/8, excluded DNS
#               bad.example.org; it signs
#     nc-good     DNS www.example.org, IP 127.0.0.1
#     nc-bad      DNS www.example.com
#     nc-excl     DNS bad.example.org
#     nc-ip       DNS www.example.org, IP 127.0.0.1 and 10.1.2.3
#     nc-cn       no subjectAltName, CN www.example.com
#   ncc-ca      the same CA with critical nameConstraints; ncc-leaf under it
#   ncd-ca      CA with non-critical directoryName constraints (which
#               ufetch does not check); ncd-leaf under it
#   eku-client  extendedKeyUsage clientAuth only;  eku-any: anyEKU only
#   ku-nosig    keyUsage keyAgreement only (no digitalSignature)
#   rsa1024     RSA-1024 leaf;  weak-int: RSA-1024 CA under root, and
#               weak-int-leaf under it;  weak-root: a self-signed RSA-1024
#               CA, weak-root-leaf under it
#   leaf-p224   ECDSA P-224 leaf (a curve BearSSL does not support)
#   int2        CA under int, whose pathlen:0 forbids it; pathlen-leaf
#               under int2
#   notca-leaf  signed by leaf-ec, which is not a CA
#   sha1-leaf   signed by int with SHA-1 (refused; RFC 8446 4.4.2.4
#               recommends it, and MD5 has no ECDSA form to test)
#
# Bundles: ca.pem (root), bundle.pem (others + root), bundle-crlf.pem
# (CRLF line ends), bundle-nonl.pem (root last, no final newline),
# bundle-bad.pem (an unparseable and a corrupt certificate, then root),
# certdir/ (OpenSSL hashed names). DER copies feed the BearSSL server
# in the tests. Certificates meant to be good are valid until 2125.
set -eu
cd "$(dirname "$0")"
rm -rf work certdir ./*.pem ./*.der ./*.crt ./*.key
mkdir -p work certdir
: > work/index.txt
echo 1000 > work/serial

cat > work/ca.cnf <<'CNF'
[ ca ]
default_ca = test
[ test ]
dir = work
database = work/index.txt
serial = work/serial
new_certs_dir = work
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_int ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ v3_nosan ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_nc_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = permitted;DNS:.example.org, permitted;IP:127.0.0.0/255.0.0.0, excluded;DNS:bad.example.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ncc_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:.example.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ncd_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = permitted;dirName:ncd_dir
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ncd_dir ]
O = ufetch tests
[ v3_eku_client ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ v3_eku_any ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = anyExtendedKeyUsage
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ v3_ku_nosig ]
basicConstraints = critical, CA:false
keyUsage = critical, keyAgreement
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
CNF

export SAN="DNS:localhost"
GOOD="-startdate 20250101000000Z -enddate 21250101000000Z"

# eckey NAME [CURVE], rsakey NAME [BITS]
eckey() { openssl genpkey -algorithm EC -pkeyopt \
    "ec_paramgen_curve:${2:-P-256}" -out "$1.key" 2>/dev/null; }
rsakey() { openssl genpkey -algorithm RSA -pkeyopt \
    "rsa_keygen_bits:${2:-2048}" -out "$1.key" 2>/dev/null; }

# selfca NAME CN: a self-signed CA certificate
selfca() {
	openssl req -new -key "$1.key" -subj "/CN=$2/O=ufetch tests" \
	    -out "work/$1.csr"
	# $GOOD is two words: -startdate and -enddate with their values.
	# shellcheck disable=SC2086
	openssl ca -batch -config work/ca.cnf -selfsign -keyfile "$1.key" \
	    -extensions v3_ca $GOOD -in "work/$1.csr" -out "$1.crt" \
	    -notext 2>/dev/null
}

# sign NAME CN ISSUER EXT DATES SAN
sign() {
	SAN="$6" openssl req -new -key "$1.key" -subj "/CN=$2" \
	    -out "work/$1.csr"
	# DATES ($5) is options and their values, split on purpose.
	# shellcheck disable=SC2086
	SAN="$6" openssl ca -batch -config work/ca.cnf -cert "$3.crt" \
	    -keyfile "$3.key" -extensions "$4" $5 -in "work/$1.csr" \
	    -out "$1.crt" -notext 2>/dev/null
}

ALL="DNS:localhost, IP:127.0.0.1, IP:::1"

eckey root;  selfca root "ufetch test root CA"
eckey int;   sign int "ufetch test intermediate CA" root v3_int "$GOOD" \
    "DNS:unused"
eckey leaf-ec;   sign leaf-ec localhost int v3_leaf "$GOOD" "$ALL"
rsakey leaf-rsa; sign leaf-rsa localhost int v3_leaf "$GOOD" "$ALL"
eckey expired;   sign expired localhost int v3_leaf \
    "-startdate 20200101000000Z -enddate 20210101000000Z" "$ALL"
eckey notyet;    sign notyet localhost int v3_leaf \
    "-startdate 20900101000000Z -enddate 20990101000000Z" "$ALL"
eckey wrongname; sign wrongname wrong.example int v3_leaf "$GOOD" \
    "DNS:wrong.example"
eckey selfsigned
SAN="$ALL" openssl req -new -x509 -key selfsigned.key -subj "/CN=localhost" \
    -days 36500 -addext "subjectAltName=$ALL" \
    -addext "basicConstraints=critical,CA:false" -out selfsigned.crt
eckey rogue-root; selfca rogue-root "ufetch rogue CA"
eckey rogue-leaf; sign rogue-leaf localhost rogue-root v3_leaf "$GOOD" "$ALL"
for i in 1 2 3; do
	rsakey "other-$i"; selfca "other-$i" "ufetch unrelated CA $i"
done
eckey leaf-p384 P-384; sign leaf-p384 localhost int v3_leaf "$GOOD" "$ALL"
eckey p521-ca;   selfca p521-ca "ufetch P-521 test CA"
eckey leaf-p521 P-521; sign leaf-p521 localhost p521-ca v3_leaf "$GOOD" \
    "$ALL"

# For the checks of ufetch's own (see the list at the top).
eckey wild-com;  sign wild-com '*.com' int v3_leaf "$GOOD" "DNS:*.com"
eckey wild-ok;   sign wild-ok '*.example.com' int v3_leaf "$GOOD" \
    "DNS:*.example.com"
eckey nc-ca;     sign nc-ca "ufetch constrained CA" root v3_nc_ca "$GOOD" \
    "DNS:unused"
eckey nc-good;   sign nc-good www.example.org nc-ca v3_leaf "$GOOD" \
    "DNS:www.example.org, IP:127.0.0.1"
eckey nc-bad;    sign nc-bad www.example.com nc-ca v3_leaf "$GOOD" \
    "DNS:www.example.com"
eckey nc-excl;   sign nc-excl bad.example.org nc-ca v3_leaf "$GOOD" \
    "DNS:bad.example.org"
eckey nc-ip;     sign nc-ip www.example.org nc-ca v3_leaf "$GOOD" \
    "DNS:www.example.org, IP:127.0.0.1, IP:10.1.2.3"
eckey nc-cn;     sign nc-cn www.example.com nc-ca v3_nosan "$GOOD" ""
eckey ncc-ca;    sign ncc-ca "ufetch critically constrained CA" root \
    v3_ncc_ca "$GOOD" "DNS:unused"
eckey ncc-leaf;  sign ncc-leaf www.example.org ncc-ca v3_leaf "$GOOD" \
    "DNS:www.example.org"
eckey ncd-ca;    sign ncd-ca "ufetch directory-constrained CA" root \
    v3_ncd_ca "$GOOD" "DNS:unused"
eckey ncd-leaf;  sign ncd-leaf localhost ncd-ca v3_leaf "$GOOD" "$ALL"
eckey eku-client; sign eku-client localhost int v3_eku_client "$GOOD" "$ALL"
eckey eku-any;   sign eku-any localhost int v3_eku_any "$GOOD" "$ALL"
eckey ku-nosig;  sign ku-nosig localhost int v3_ku_nosig "$GOOD" "$ALL"
rsakey rsa1024 1024; sign rsa1024 localhost int v3_leaf "$GOOD" "$ALL"
rsakey weak-int 1024; sign weak-int "ufetch weak intermediate CA" root \
    v3_int "$GOOD" "DNS:unused"
eckey weak-int-leaf; sign weak-int-leaf localhost weak-int v3_leaf "$GOOD" \
    "$ALL"
rsakey weak-root 1024; selfca weak-root "ufetch weak root CA"
eckey weak-root-leaf; sign weak-root-leaf localhost weak-root v3_leaf \
    "$GOOD" "$ALL"
eckey leaf-p224 P-224; sign leaf-p224 localhost int v3_leaf "$GOOD" "$ALL"
eckey int2;      sign int2 "ufetch second intermediate CA" int v3_int \
    "$GOOD" "DNS:unused"
eckey pathlen-leaf; sign pathlen-leaf localhost int2 v3_leaf "$GOOD" "$ALL"
eckey notca-leaf; sign notca-leaf localhost leaf-ec v3_leaf "$GOOD" "$ALL"
eckey sha1-leaf; sign sha1-leaf localhost int v3_leaf "$GOOD -md sha1" "$ALL"
openssl genpkey -algorithm ED25519 -out ed-ca.key
openssl req -new -x509 -key ed-ca.key -subj "/CN=ufetch ed25519 CA" \
    -days 36500 -out ed-ca.crt

# Chains the test server sends (leaf first), in DER, and the leaves'
# keys (EC as SEC1, RSA as PKCS#1).
EC_LEAVES="leaf-ec expired notyet wrongname selfsigned rogue-leaf leaf-p384
    leaf-p521
    wild-com wild-ok nc-good nc-bad nc-excl nc-ip nc-cn ncc-leaf ncd-leaf
    eku-client eku-any ku-nosig weak-int-leaf weak-root-leaf
    leaf-p224 pathlen-leaf notca-leaf sha1-leaf"
RSA_LEAVES="leaf-rsa rsa1024"
for c in root int rogue-root nc-ca ncc-ca ncd-ca weak-int weak-root int2 \
    $EC_LEAVES $RSA_LEAVES; do
	openssl x509 -in "$c.crt" -outform DER -out "$c.der"
done
for k in $EC_LEAVES; do
	openssl ec -in "$k.key" -outform DER -out "$k.key.der" 2>/dev/null
done
for k in $RSA_LEAVES; do
	openssl rsa -in "$k.key" -traditional -outform DER \
	    -out "$k.key.der" 2>/dev/null
done
cp leaf-p384.key leaf-p384.key.pem

# Trust stores.
cp root.crt ca.pem
cat other-1.crt other-2.crt ed-ca.crt other-3.crt root.crt > bundle.pem
sed 's/$/\r/' bundle.pem > bundle-crlf.pem
printf '%s' "$(cat other-1.crt root.crt)" > bundle-nonl.pem
{
	cat other-1.crt ed-ca.crt
	echo "-----BEGIN CERTIFICATE-----"
	echo "MIIBAgIDAQAB/////////////////////////////////////w=="
	echo "-----END CERTIFICATE-----"
	echo "-----BEGIN CERTIFICATE-----"
	echo "not base64 at all ###"
	echo "-----END CERTIFICATE-----"
	cat root.crt
} > bundle-bad.pem
for c in root other-1 other-2 other-3 ed-ca; do
	h=$(openssl x509 -in "$c.crt" -noout -subject_hash)
	n=0
	while [ -e "certdir/$h.$n" ]; do n=$((n + 1)); done
	cp "$c.crt" "certdir/$h.$n"
done
# The subject hashes, for the unit test of our OpenSSL-compatible hash.
for c in root int leaf-ec leaf-rsa wrongname rogue-root other-1 other-2 \
    other-3; do
	printf '%s %s\n' "$(openssl x509 -in "$c.crt" -noout -subject_hash)" \
	    "$c.der"
done > hashes.txt
for c in other-1 other-2 other-3; do
	openssl x509 -in "$c.crt" -outform DER -out "$c.der"
done
rm -rf work ./*.key
