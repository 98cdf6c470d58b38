import groovy.json.JsonSlurper

// Podman's answer to GET <path> on its socket, as JSON; null when it has no such thing.
def podman = { String path ->
    def p = ['curl', '-s', '-w', '\n%{http_code}', '--unix-socket', '/run/nodeimage-podman.sock', "http://d${path}"].execute()
    def out = p.text
    def code = out.substring(out.lastIndexOf('\n') + 1)
    code == '200' ? new JsonSlurper().parseText(out.substring(0, out.lastIndexOf('\n'))) : null
}
def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
def head = ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim()
def image = 'it-podman/site-node:1.0-' + head.substring(0, 12)
try {
    // Podman's build heads its steps "STEP n/m: ..."; the log shows them as Docker's.
    assert log.contains('[site-node] Step 1/')
    assert log =~ /site-node: built it-podman\/site-node:1\.0-[0-9a-f]{12} \(sha256:[0-9a-f]{64}\)/
    def build = new JsonSlurper().parse(new File(out, 'build.json'))
    def inPodman = podman("/images/${image}/json")
    assert inPodman != null : "Podman has no ${image}"
    assert inPodman.Id == build.imageId
    assert inPodman.Config.Labels['io.nodeimage.profile.digest'] == build.labels['io.nodeimage.profile.digest']
    assert inPodman.Config.Labels['org.opencontainers.image.revision'] == head
    def docker = ['docker', 'image', 'inspect', image].execute()
    docker.waitForProcessOutput(new StringBuilder(), new StringBuilder())
    assert docker.exitValue() != 0 : 'built in Docker, not Podman'

    // verify read Podman's image, certify named it, check-certificate found it there again.
    assert log =~ /it-podman\/site-node:1\.0-[0-9a-f]{12}: \d+ passed, 0 failed/
    def st = new JsonSlurper().parse(new File(out, 'certificate.intoto.json'))
    assert 'sha256:' + st.subject[0].digest.sha256 == build.imageId
    assert log.contains('certificate.intoto.json: holds for ' + image)
    assert log.contains('BUILD SUCCESS')
} finally {
    ['curl', '-s', '--unix-socket', '/run/nodeimage-podman.sock', '-X', 'DELETE', "http://d/images/${image}?force=true"].execute().waitFor()
}
return true
