def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
assert log.contains('SITE-020: waiver expired on 2020-01-31')
assert log =~ /SITE-020 \(high, site-rules at [^)]+\): telnet is not installed/
assert new File(out, 'summary.md').text.contains('2020-01-31')
assert !new File(out, 'certificate.intoto.json').exists()
return true
