import groovy.json.JsonSlurper
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.MessageDigest

def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
def keys = new File(basedir, '../registry-keys')
def keyid = new File(keys, 'signing-key.sha256').text
def head = ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim()
def tag = '1.0-' + head.substring(0, 12)
def repo = '127.0.0.1:23766/nodes/site-node'

// 1: pushed with the login of settings.xml's server named for the registry, then certified, then attached.
assert log.contains('Registry 127.0.0.1:23766: the login of settings.xml server 127.0.0.1:23766 (user it-push)')
def pushed = new JsonSlurper().parse(new File(out, 'pushed.json'))
assert pushed.repository == repo && pushed.tag == tag && pushed.image == "it-push/site-node:${tag}"
assert pushed.digest ==~ /sha256:[0-9a-f]{64}/
assert log.contains("site-node: pushed ${repo}:${tag} as ${repo}@${pushed.digest}")
assert log.contains("site-node: certified ${repo} (${pushed.digest})")
// The statement's subject is the manifest in the registry; the engine's image id stays in the predicate.
def statement = new JsonSlurper().parse(new File(out, 'certificate.intoto.json'))
assert statement.subject == [[name: repo, digest: [sha256: pushed.digest.substring(7)]]]
assert statement.predicate.image == [name: "it-push/site-node:${tag}", id: pushed.imageId, tag: "${repo}:${tag}"]
def attached = new JsonSlurper().parse(new File(out, 'attached.json'))
assert attached.subject == "${repo}@${pushed.digest}"
assert attached.referrersTag == 'sha256-' + pushed.digest.substring(7)
assert log.contains("site-node: attached certificate.intoto.jsonl to ${repo}@${pushed.digest} as ${repo}@${attached.artifact}; "
        + "the registry has no referrers API, so tag ${attached.referrersTag} lists it")

// What the registry holds, read with plain HTTP calls and the login.
def http = HttpClient.newHttpClient()
def auth = 'Basic ' + 'it-push:it-push-secret'.bytes.encodeBase64().toString()
def get = { String path, String accept ->
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:23766/v2/nodes/site-node/${path}"))
            .header('Accept', accept).header('Authorization', auth).build(), HttpResponse.BodyHandlers.ofByteArray())
}
def sha256 = { byte[] b -> 'sha256:' + MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString() }
def manifest = get("manifests/${tag}", 'application/vnd.oci.image.manifest.v1+json')
assert manifest.statusCode() == 200
assert manifest.headers().firstValue('Docker-Content-Digest').get() == pushed.digest
assert sha256(manifest.body()) == pushed.digest
assert new JsonSlurper().parse(manifest.body()).config.digest == pushed.imageId
def index = get("manifests/${attached.referrersTag}", 'application/vnd.oci.image.index.v1+json')
assert index.statusCode() == 200
def listed = new JsonSlurper().parse(index.body()).manifests
assert listed.size() == 1 && listed[0].digest == attached.artifact
assert listed[0].artifactType == 'application/vnd.dsse.envelope.v1+json'
def artifact = new JsonSlurper().parse(get("manifests/${attached.artifact}", 'application/vnd.oci.image.manifest.v1+json').body())
assert artifact.artifactType == 'application/vnd.dsse.envelope.v1+json'
assert artifact.subject.digest == pushed.digest && artifact.subject.size == manifest.body().length
assert artifact.config.mediaType == 'application/vnd.oci.empty.v1+json'
def blob = get("blobs/${artifact.layers[0].digest}", '*/*').body()
assert new String(blob, 'UTF-8') == new File(out, 'certificate.intoto.jsonl').text.trim()
// sigstore-js, not nodeimage, verifies the envelope as the registry serves it.
def envelopeFile = new File(keys, 'from-registry.intoto.jsonl')
envelopeFile.bytes = blob
def sigjs = new File(basedir, '../../../src/it/sigstore-js').canonicalFile
assert new File(sigjs, 'node_modules/@sigstore/verify').isDirectory() : 'run npm ci in it/src/it/sigstore-js (.ci/run does)'
def node = ['node', 'verify-envelope.js', envelopeFile.path, new File(keys, 'signing-key.pub.pem').path].execute(null, sigjs)
def verdict = new StringBuilder()
node.waitForProcessOutput(verdict, System.err)
assert node.exitValue() == 0 && verdict.toString().trim() == 'verified application/vnd.in-toto+json'

// 2: attach with nothing pushed: refused before anything is sent.
assert log.contains('site-node: target/unpushed/site-node/pushed.json is missing: the image was not pushed')
assert log.contains('Hint: run nodeimage:push, then nodeimage:certify with the signing key, then nodeimage:attach')

// 3: a registry that is not there: one error with a hint; the record of the first push is as it was.
assert log =~ /push of it-push\/site-node:${tag} to 127\.0\.0\.1:23767\/nodes\/site-node:${tag} failed: registry 127\.0\.0\.1:23767 does not answer/
assert log.contains('Hint: nothing was recorded (pushed.json); fix the cause and push again')
assert new JsonSlurper().parse(new File(out, 'pushed.json')) == pushed

// 4, 5: a file that is no key, a passphrase that does not open the key: refused before anything is written, so
// the certificate is still the one the registry holds (checked byte for byte above).
assert log =~ /pom\.xml is not a private key: it holds no PEM block/
assert log =~ /the passphrase given does not open the signing key .*signing-key\.enc\.pem/
assert !log.contains('not the passphrase') && !log.contains('the right one')

// No secret in the log, no stack trace.
assert !log.contains('it-push-secret')
assert !log.contains('\tat io.nodeimage.')
return true
