import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
// The default tag: the project version and the commit the images were built from.
def head = ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim()
def tag = '1.0-' + head.substring(0, 12)

// build: a line per step, then the image named <repository>/<profile>:<tag>; two profiles, side by side.
assert log.contains('[site-node] Step 1/')
assert log.contains('[site-node-b] Step 1/')
assert log.contains('Built 2 profiles in ')
assert new File(basedir, 'target/nodeimage/site-node-b/certificate.intoto.json').isFile()
// The build context (only what render wrote) was a temporary copy, and is gone.
assert !new File(basedir, 'target/nodeimage').list().any { it.contains('-context-') }
assert log =~ /site-node: built it-lifecycle\/site-node:${tag} \(sha256:[0-9a-f]{64}\)/
def build = new JsonSlurper().parse(new File(out, 'build.json'))
assert build.image == "it-lifecycle/site-node:${tag}"
assert build.labels['org.opencontainers.image.revision'] ==~ /[0-9a-f]{40}/
assert build.labels['io.nodeimage.profile.digest'] ==~ /sha256:[0-9a-f]{64}/
assert build.labels['org.opencontainers.image.created'] ==~ /\d{4}-\d\d-\d\dT.*Z/

// verify passed (the low failure is waived), certify wrote the statement and the summary.
assert log.contains("it-lifecycle/site-node:${tag}: ")
assert log.contains(' 1 waived, ')
assert log =~ /site-node: certified it-lifecycle\/site-node:${tag} \(sha256:[0-9a-f]{64}\)/
def st = new JsonSlurper().parse(new File(out, 'certificate.intoto.json'))
assert st._type == 'https://in-toto.io/Statement/v1'
assert st.predicateType == 'urn:nodeimage:certificate:v1'
assert st.subject[0].name == "it-lifecycle/site-node:${tag}"
assert 'sha256:' + st.subject[0].digest.sha256 == build.imageId
assert 'sha256:' + st.predicate.profile.digest.sha256 == build.labels['io.nodeimage.profile.digest']
assert st.predicate.policySets*.name == ['project', 'secops', 'nodeimage-policies', 'profile']
def secopsHead = ['git', 'rev-parse', 'HEAD'].execute(null, new File(basedir, '../lifecycle-secops-policies')).text.trim()
assert st.predicate.policySets[1].version == 'v2.1.0' && st.predicate.policySets[1].commit == secopsHead
assert st.predicate.results.find { it.rule == 'SEC-001' }.status == 'pass'
assert log.contains("Policy set secops from ${basedir}/../lifecycle-secops-policies at v2.1.0: commit ${secopsHead}")
assert st.predicate.policySets[0].policies[0].file == 'src/main/nodeimage/policies/site-rules.yaml'
assert st.predicate.waivers.size() == 1
assert st.predicate.waivers[0].rule == 'SITE-002' && st.predicate.waivers[0].expires == '2099-12-31'
assert st.predicate.results.find { it.rule == 'SITE-001' }.status == 'pass'
assert st.predicate.results.find { it.rule == 'SITE-002' }.status == 'waived'
assert st.predicate.git.commit == head
assert st.predicate.git.describe == 'v1.0'
assert st.predicate.git.dirty == false
// Blob ids are git's own for the files used.
def blob = ['git', 'hash-object', 'src/main/nodeimage/profiles/site-node.yaml'].execute(null, basedir).text.trim()
assert st.predicate.git.blobs['src/main/nodeimage/profiles/site-node.yaml'] == blob
assert new File(out, 'certificate.md').text.contains('| git | `v1.0`')
// No signing key: the statement stands unsigned, no envelope is written, and the log and the summary say so.
assert log.contains('[WARNING] site-node: the certificate is unsigned: no signing key was given')
assert !new File(out, 'certificate.intoto.jsonl').exists()
assert new File(out, 'certificate.md').text.contains('The statement is not signed: no signing key was given')
assert log.contains('target/nodeimage/site-node/certificate.intoto.json: unsigned (no nodeimage.certificate.publicKey given)')

// check-certificate, run afterwards, finds that it holds.
assert log.contains("target/nodeimage/site-node/certificate.intoto.json: holds for it-lifecycle/site-node:${tag}")
// Against another image it does not hold, and says why.
assert log =~ /certificate\.intoto\.json: image nodeimage\/debian:12 is sha256:[0-9a-f]{64}, the certificate's subject is sha256:${st.subject[0].digest.sha256}/
assert log.contains('certificates do not hold:')
return true
