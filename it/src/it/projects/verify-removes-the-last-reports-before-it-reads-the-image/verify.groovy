def log = new File(basedir, 'build.log').text
def dir = new File(basedir, 'target/nodeimage/site-node')
def present = dir.list().findAll { !it.startsWith('.') }.sort()
// The reports and certificate of the last verify are gone; what render and build wrote, and the user's file, stay.
assert present == ['Containerfile', 'build.json', 'kickstart.ks', 'notes.txt'] : present
assert log.contains('removed facts.json, report.json, junit.xml, report.sarif, summary.md, verification.json, certificate.intoto.json, certificate.md of the previous verify in ')
assert log.contains('nodeimage-it/never-built:1')
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ')
return true
