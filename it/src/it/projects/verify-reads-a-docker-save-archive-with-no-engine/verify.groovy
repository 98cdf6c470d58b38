def log = new File(basedir, 'build.log').text
def engineId = new File(basedir, 'target/engine-id.txt').text.trim()
def out = new File(basedir, 'target/nodeimage/inspect').listFiles().find { it.name.startsWith('docker-archive_') }
assert out != null
// The modprobe cross-check needs the image to run: skipped, and said.
assert log =~ /the image is read from its layers, not an engine: nothing of it can run, so its own modprobe is not asked/
assert !(log =~ /no Docker engine answers/)
def summary = new File(out, 'summary.md').text
assert summary.startsWith('# nodeimage verdict: PASSED')
assert summary.contains('Passed 3, failed 0, waived 0, not applicable 0.')
def facts = new groovy.json.JsonSlurper().parse(new File(out, 'facts.json'))
assert facts.imageId == engineId
assert facts.image.startsWith('docker-archive:') && facts.image.endsWith('/target/image.tar')
def shadow = facts.files.find { it.path == '/etc/shadow' }
assert shadow.owner == 'root' && shadow.group == 'shadow' && shadow.mode == '0640'
return true
