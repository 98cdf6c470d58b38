def log = new File(basedir, 'build.log').text
def dir = new File(basedir, 'target/nodeimage/site-node')
def present = dir.list().findAll { !it.startsWith('.') }.sort()
// The build started and failed; nothing of the previous image's verify or certify is left to mislead.
assert present == ['Containerfile', 'build-output.log', 'notes.txt'] : present
// What the failed build printed is kept beside the reports.
assert new File(dir, 'build-output.log').text.contains('failing on purpose')
assert log.contains('[site-node] removed build.json, facts.json, report.json, junit.xml, report.sarif, summary.md, verification.json, certificate.intoto.json, certificate.md (made from the previous image)')
assert log =~ /building site-node failed at Step 2\/\d+ : RUN echo 'failing on purpose'; exit 3/
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ')
return true
