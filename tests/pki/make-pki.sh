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
CNF

export SAN="DNS:localhost"
GOOD="-startdate 20250101000000Z -enddate 21250101000000Z"

eckey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$1.key" 2>/dev/null; }
rsakey() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$1.key" 2>/dev/null; }

# selfca NAME CN: a self-signed CA certificate
selfca() {
	openssl req -new -key "$1.key" -subj "/CN=$2/O=ufetch tests" \
	    -out "work/$1.csr"
	openssl ca -batch -config work/ca.cnf -selfsign -keyfile "$1.key" \
	    -extensions v3_ca $GOOD -in "work/$1.csr" -out "$1.crt" \
	    -notext 2>/dev/null
}

# sign NAME CN ISSUER EXT DATES SAN
sign() {
	SAN="$6" openssl req -new -key "$1.key" -subj "/CN=$2" \
	    -out "work/$1.csr"
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
openssl genpkey -algorithm ED25519 -out ed-ca.key
openssl req -new -x509 -key ed-ca.key -subj "/CN=ufetch ed25519 CA" \
    -days 36500 -out ed-ca.crt

# Chains the test server sends (leaf first), in DER.
for c in root int leaf-ec leaf-rsa expired notyet wrongname selfsigned \
    rogue-root rogue-leaf; do
	openssl x509 -in "$c.crt" -outform DER -out "$c.der"
done
for k in leaf-ec expired notyet wrongname selfsigned rogue-leaf; do
	openssl ec -in "$k.key" -outform DER -out "$k.key.der" 2>/dev/null
done
openssl rsa -in leaf-rsa.key -traditional -outform DER \
    -out leaf-rsa.key.der 2>/dev/null

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
