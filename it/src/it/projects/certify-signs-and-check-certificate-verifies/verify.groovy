import groovy.json.JsonSlurper
import java.security.MessageDigest

def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
def keys = new File(basedir, '../signed-certificate-keys')
def keyid = new File(keys, 'signing-key.sha256').text
def head = ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim()
def tag = '1.0-' + head.substring(0, 12)

// 1: requireSignature without a key stops certify, naming where a key may come from.
assert log.contains('no signing key was given, and nodeimage.certify.requireSignature is true')
assert log.contains('Hint: give the key: -Dnodeimage.certify.signingKey=<PEM file>, the environment variable NODEIMAGE_SIGNING_KEY')

// 2: certify signed with the encrypted key, its passphrase decrypted from settings.xml.
assert log.contains("Signing certificates with the ECDSA P-256 key sha256:${keyid} from ")
assert log =~ /site-node: signed .*certificate\.intoto\.jsonl \(DSSE, ECDSA P-256 key sha256:${keyid}\)/
def lines = new File(out, 'certificate.intoto.jsonl').readLines()
assert lines.size() == 1
def envelope = new JsonSlurper().parseText(lines[0])
assert envelope.keySet() as List == ['payloadType', 'payload', 'signatures']
assert envelope.payloadType == 'application/vnd.in-toto+json'
def payload = envelope.payload.decodeBase64()
// The payload is the statement beside it, byte for byte.
assert payload == new File(out, 'certificate.intoto.json').bytes
assert new JsonSlurper().parse(payload).subject[0].name == "it-signed/site-node:${tag}"
assert envelope.signatures.size() == 1 && envelope.signatures[0].keyid == keyid
// openssl, not nodeimage, checks the signature over the PAE built here.
def type = envelope.payloadType.getBytes('UTF-8')
def pae = new ByteArrayOutputStream()
pae.write("DSSEv1 ${type.length} ".getBytes('UTF-8')); pae.write(type); pae.write(" ${payload.length} ".getBytes('UTF-8')); pae.write(payload)
new File(keys, 'certify-pae.bin').bytes = pae.toByteArray()
new File(keys, 'certify.sig').bytes = envelope.signatures[0].sig.decodeBase64()
def check = ['openssl', 'dgst', '-sha256', '-verify', 'signing-key.pub.pem', '-signature', 'certify.sig', 'certify-pae.bin'].execute(null, keys)
assert check.text.contains('Verified OK') && check.waitFor() == 0
// sigstore-js (src/it/sigstore-js), the verifier behind npm's provenance, reads the envelope too: it verifies
// with the public key; the statement edited after signing, or another key, does not.
def sigjs = new File(basedir, '../../../src/it/sigstore-js').canonicalFile
// .ci/run installs it (npm ci) before the tests, which fetch nothing themselves.
assert new File(sigjs, 'node_modules/@sigstore/verify').isDirectory() : 'run npm ci in it/src/it/sigstore-js (.ci/run does)'
def sigstore = { File envelopeFile, String publicKey ->
    def p = ['node', 'verify-envelope.js', envelopeFile.path, new File(keys, publicKey).path].execute(null, sigjs)
    def text = new StringBuilder()
    p.waitForProcessOutput(text, System.err)
    [p.exitValue(), text.toString().trim()]
}
assert sigstore(new File(out, 'certificate.intoto.jsonl'), 'signing-key.pub.pem') == [0, 'verified application/vnd.in-toto+json']
assert sigstore(new File(out, 'certificate.intoto.jsonl'), 'other-key.pub.pem') == [1, 'SIGNATURE_ERROR: signature verification failed']
assert sigstore(new File(keys, 'edited.intoto.jsonl'), 'signing-key.pub.pem') == [1, 'SIGNATURE_ERROR: signature verification failed']
assert sigstore(new File(keys, 'openssl.intoto.jsonl'), 'signing-key.pub.pem') == [0, 'verified application/vnd.in-toto+json']
assert new File(out, 'certificate.md').text.contains("Signed: `certificate.intoto.jsonl` holds the statement in a DSSE envelope signed with the ECDSA P-256 key sha256:${keyid}")
// No secret in the log: neither the passphrase nor its encrypted form, nor any of the key.
assert !log.contains('it signing passphrase')
assert !log.contains('lKQ9pO0r9PsH7odn8KJPKd5w7mYQfX4WYPGmc0xDRrVkkrjVSn')
def keyBody = new File(keys, 'signing-key.pem').readLines().findAll { !it.startsWith('-----') }
assert keyBody.every { !log.contains(it) }

// 3: the signature verifies with the pinned public key; then the certificate holds.
assert log.contains("target/nodeimage/site-node/certificate.intoto.jsonl: signature verified with the ECDSA P-256 key sha256:${keyid}")
assert log.contains("target/nodeimage/site-node/certificate.intoto.jsonl: holds for it-signed/site-node:${tag}")

// 4: another key: the envelope names the key that signed it.
def other = MessageDigest.getInstance('SHA-256').digest(['openssl', 'pkey', '-pubin', '-in', 'other-key.pub.pem', '-outform', 'DER']
        .execute(null, keys).inputStream.bytes).encodeHex().toString()
assert log.contains("certificate.intoto.jsonl: the signature does not hold: it was signed by key sha256:${keyid}, not by the key given (Ed25519 key sha256:${other}): an unknown key")

// 5: the other key file where the pinned one is expected: refused before any certificate is read.
assert log =~ /the public key .*other-key\.pub\.pem is sha256:${other}, not the key pinned in nodeimage\.certificate\.publicKeyFingerprint \(sha256:${keyid}\)/

// 6: the statement edited after openssl signed it.
assert log =~ /edited\.intoto\.jsonl: the signature does not hold: its signature by ECDSA P-256 key sha256:${keyid} does not verify: the statement \(or its payloadType\) was edited after signing/

// 7: openssl's own envelope, unedited, verifies; only then is its (made-up) image looked for.
assert log =~ /openssl\.intoto\.jsonl: signature verified with the ECDSA P-256 key sha256:${keyid}/
assert log =~ /openssl\.intoto\.jsonl: image it-signed\/made-by-openssl:1 is not in the engine/

// 8: with a key given, the unsigned statement is not trusted.
assert log.contains('target/nodeimage/site-node/certificate.intoto.json: an unsigned statement; with a public key given, only a signed envelope (certificate.intoto.jsonl) is trusted')
// Failures are one message each with a hint, no stack trace.
assert !log.contains('\tat io.nodeimage.')
return true
