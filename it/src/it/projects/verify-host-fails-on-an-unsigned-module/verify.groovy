def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/host')
assert log.contains('policy violations at or above the failOn severity, or rules that must be checked and were not:')
assert log =~ /SITE-NODE-003 \(high, site-nodes at src\/main\/nodeimage\/policies\/site-nodes\.yaml:\d+:\d+\): the running kernel is tainted E \(unsigned module was loaded: nvidia\)/
assert log =~ /NODE-RT-001 \(high, node-runtime at [^)]*\): the running kernel is tainted E/
// The driver and the GPU modes hold: the open 580 module, persistence on, MIG off.
assert !log.contains('SITE-NODE-001 (') && !log.contains('SITE-NODE-002 (')
def facts = new File(out, 'facts.json').text
assert facts.contains('"taintMask": 12288') && facts.contains('"persistence": "enabled"')
assert new File(out, 'junit.xml').text.contains('SITE-NODE-003')
assert new File(out, 'report.sarif').isFile() && new File(out, 'summary.md').isFile()
return true
