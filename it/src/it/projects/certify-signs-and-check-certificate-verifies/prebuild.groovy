import groovy.json.JsonOutput
import java.security.MessageDigest

// The CI's keys, made by openssl beside the project (never in its git tree): the signing key as docs/certify.md
// makes it, encrypted with the passphrase settings.xml holds (encrypted there), its public half, and another key.
def keys = new File(basedir, '../signed-certificate-keys')
keys.deleteDir()
keys.mkdirs()
def openssl = { String... args ->
    def p = (['openssl'] + args.toList()).execute(null, keys)
    def out = new ByteArrayOutputStream()
    def err = new ByteArrayOutputStream()
    p.waitForProcessOutput(out, err)
    assert p.exitValue() == 0 : "openssl ${args.join(' ')}: ${err}"
    out.toByteArray()
}
def passphrase = 'it signing passphrase'
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes-256-cbc', '-pass', "pass:${passphrase}",
        '-out', 'signing-key.pem')
openssl('pkey', '-in', 'signing-key.pem', '-passin', "pass:${passphrase}", '-pubout', '-out', 'signing-key.pub.pem')
openssl('genpkey', '-algorithm', 'ed25519', '-out', 'other-key.pem')
openssl('pkey', '-in', 'other-key.pem', '-pubout', '-out', 'other-key.pub.pem')

// The fingerprint as docs/certify.md says to compute it, pinned in the POM.
def keyid = MessageDigest.getInstance('SHA-256').digest(openssl('pkey', '-pubin', '-in', 'signing-key.pub.pem', '-outform', 'DER'))
        .encodeHex().toString()
new File(keys, 'signing-key.sha256').text = keyid
def pom = new File(basedir, 'pom.xml')
pom.text = pom.text.replace('PINNED-BY-PREBUILD', "sha256:${keyid}")

// A DSSE envelope made without nodeimage: the PAE built here, signed by openssl with the same key; and its twin
// whose statement was edited after signing (a failed rule turned to pass).
def statement = JsonOutput.toJson([_type: 'https://in-toto.io/Statement/v1',
        subject: [[name: 'it-signed/made-by-openssl:1', digest: [sha256: '0' * 64]]],
        predicateType: 'urn:nodeimage:certificate:v1',
        predicate: [results: [[policy: 'site', rule: 'SITE-001', status: 'fail']]]]) + '\n'
def type = 'application/vnd.in-toto+json'
def pae = { byte[] body ->
    def out = new ByteArrayOutputStream()
    out.write("DSSEv1 ${type.getBytes('UTF-8').length} ${type} ${body.length} ".getBytes('UTF-8'))
    out.write(body)
    out.toByteArray()
}
def envelope = { String body, byte[] sig ->
    JsonOutput.toJson([payloadType: type, payload: body.getBytes('UTF-8').encodeBase64().toString(),
            signatures: [[keyid: keyid, sig: sig.encodeBase64().toString()]]]) + '\n'
}
new File(keys, 'pae.bin').bytes = pae(statement.getBytes('UTF-8'))
openssl('dgst', '-sha256', '-sign', 'signing-key.pem', '-passin', "pass:${passphrase}", '-out', 'openssl.sig', 'pae.bin')
def sig = new File(keys, 'openssl.sig').bytes
new File(keys, 'openssl.intoto.jsonl').text = envelope(statement, sig)
new File(keys, 'edited.intoto.jsonl').text = envelope(statement.replace('"fail"', '"pass"'), sig)

// The project is its own git repository (see src/it/git-project.groovy), the pinned POM committed.
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))
return true
