def log = new File(basedir, 'build.log').text
def dir = new File(basedir, 'target/nodeimage/site-node')
def present = dir.list().findAll { !it.startsWith('.') }.sort()
// Rendered afresh; the output it no longer writes, and everything made from the previous render, are gone.
assert present == ['Containerfile', 'notes.txt', 'plan.txt', 'provision.sh'] : present
assert new File(dir, 'Containerfile').text.startsWith('# Containerfile for profile site-node')
assert new File(dir, 'notes.txt').text == "left by an earlier run\n"
assert log.contains('site-node: removed kickstart.ks, build.json, facts.json, report.json, junit.xml, report.sarif, summary.md, verification.json, certificate.intoto.json, certificate.md (made from the previous render)')
assert log.contains('BUILD SUCCESS')
return true
