def lines = new File(basedir, 'build.log').readLines().findAll { !it.startsWith('Running post-build script') }
def printed = lines.join('\n').trim()
// -q: the YAML is the whole output, with no log prefixes, the same text as the file written.
assert !printed.contains('[INFO]') && !printed.contains('[WARNING]') && !printed.contains('[ERROR]') : printed
def written = new File(basedir, 'target/nodeimage/site-b200/effective-profile.yaml').text
assert printed == written.trim() : printed
assert printed.startsWith('# Effective profile site-b200: site-b200 <- ubuntu-24.04-nvidia-blackwell-b200')
assert lines.contains('  release: "24.04"')
assert lines.contains('    - "console=ttyS0,115200"')
assert !printed.contains('extends:')
return true
