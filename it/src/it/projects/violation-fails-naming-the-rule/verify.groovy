def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
assert log.contains('policy violations at or above the failOn severity, or rules that must be checked and were not:')
assert log =~ /it-violation\/site-node:1\.0-[0-9a-f]{12}: SITE-010 \(high, site-rules at src\/main\/nodeimage\/policies\/site-rules\.yaml:\d+:\d+\): kernel\.kptr_restrict is 2, not 1/
// Reports are written for CI; nothing is certified.
assert new File(out, 'junit.xml').text.contains('SITE-010')
assert new File(out, 'report.sarif').isFile()
assert !new File(out, 'certificate.intoto.json').exists()
assert !log.contains('nodeimage:0.1.0-SNAPSHOT:certify') && !log.contains(':certify (image)')
return true
