import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.MessageDigest

// What the consumer knows: the digest registry-push-certify-attach pushed (from its pushed.json, as a CI job would
// pass it on) and the public key, its fingerprint pinned.
def producer = new File(basedir, '../registry-push-certify-attach/target/nodeimage/site-node')
assert new File(producer, 'pushed.json').isFile() : 'registry-push-certify-attach runs first (invoker.ordinal) and pushes'
def pushed = new JsonSlurper().parse(new File(producer, 'pushed.json'))
def keyid = new File(basedir, '../registry-keys/signing-key.sha256').text

// Two more images in the registry, made here with plain HTTP calls: nodes/edited with the CI's envelope edited
// after signing (its subject turned to that image), nodes/other with the CI's envelope unedited (another digest).
def http = HttpClient.newHttpClient()
def auth = 'Basic ' + 'it-push:it-push-secret'.bytes.encodeBase64().toString()
def base = 'http://127.0.0.1:23766/v2/'
def sha256 = { byte[] b -> 'sha256:' + MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString() }
def send = { HttpRequest.Builder r, int expected ->
    def answer = http.send(r.header('Authorization', auth).build(), HttpResponse.BodyHandlers.ofString())
    assert answer.statusCode() == expected : "${answer.request().method()} ${answer.request().uri()}: ${answer.statusCode()} ${answer.body()}"
    answer
}
def blob = { String repo, byte[] bytes ->
    def started = send(HttpRequest.newBuilder(URI.create("${base}${repo}/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()), 202)
    def location = URI.create(base).resolve(started.headers().firstValue('Location').get()).toString()
    send(HttpRequest.newBuilder(URI.create(location + (location.contains('?') ? '&' : '?') + 'digest=' + sha256(bytes)))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201)
    [mediaType: null, digest: sha256(bytes), size: bytes.length]
}
def manifest = { String repo, String ref, String type, byte[] bytes ->
    send(HttpRequest.newBuilder(URI.create("${base}${repo}/manifests/${ref}")).header('Content-Type', type)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201)
    [mediaType: type, digest: sha256(bytes), size: bytes.length]
}
def image = { String repo, String note ->
    def config = JsonOutput.toJson([architecture: 'amd64', os: 'linux', author: note, rootfs: [type: 'layers', diff_ids: []]]).bytes
    def c = blob(repo, config)
    manifest(repo, 'it', 'application/vnd.oci.image.manifest.v1+json', JsonOutput.toJson([schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            config: [mediaType: 'application/vnd.oci.image.config.v1+json', digest: c.digest, size: c.size], layers: []]).bytes)
}
def dsse = 'application/vnd.dsse.envelope.v1+json'
def attach = { String repo, Map subject, byte[] envelope ->
    def e = blob(repo, envelope)
    def empty = blob(repo, '{}'.bytes)
    def a = manifest(repo, 'artifact', 'application/vnd.oci.image.manifest.v1+json',
            JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: dsse,
                    config: [mediaType: 'application/vnd.oci.empty.v1+json', digest: empty.digest, size: 2],
                    layers: [[mediaType: dsse, digest: e.digest, size: e.size]], subject: subject]).bytes)
    manifest(repo, 'sha256-' + subject.digest.substring(7), 'application/vnd.oci.image.index.v1+json',
            JsonOutput.toJson([schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
                    manifests: [[mediaType: a.mediaType, digest: a.digest, size: a.size, artifactType: dsse]]]).bytes)
}
def envelope = new File(producer, 'certificate.intoto.jsonl').text.trim()
def parsed = new JsonSlurper().parseText(envelope)
def statement = new String(parsed.payload.decodeBase64(), 'UTF-8')

def edited = image('nodes/edited', 'edited')
parsed.payload = statement.replace(pushed.digest.substring(7), edited.digest.substring(7)).bytes.encodeBase64().toString()
attach('nodes/edited', edited, JsonOutput.toJson(parsed).bytes)

def other = image('nodes/other', 'other')
attach('nodes/other', other, envelope.bytes)

def pom = new File(basedir, 'pom.xml')
pom.text = pom.text.replace('CHECKED-BY-PREBUILD', "${pushed.repository}@${pushed.digest}")
        .replace('EDITED-BY-PREBUILD', "127.0.0.1:23766/nodes/edited@${edited.digest}")
        .replace('OTHER-BY-PREBUILD', "127.0.0.1:23766/nodes/other@${other.digest}")
        .replace('PINNED-BY-PREBUILD', "sha256:${keyid}")
new File(basedir, 'checked.json').text = JsonOutput.toJson([image: "${pushed.repository}@${pushed.digest}",
        edited: "127.0.0.1:23766/nodes/edited@${edited.digest}", other: "127.0.0.1:23766/nodes/other@${other.digest}"])
return true
