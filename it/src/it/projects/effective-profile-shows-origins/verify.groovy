def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def written = new File(basedir, 'target/nodeimage/site-b200/effective-profile.yaml')
assert written.isFile()
def yaml = written.text
assert yaml.startsWith('# Effective profile site-b200: site-b200 <- ubuntu-24.04-nvidia-blackwell-b200 <- ubuntu-24.04-base\n')
// Values carry the file and line they were written at: inherited ones point into the bundled catalog.
assert yaml.contains('  - iommu=pt  # nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-nvidia-blackwell-b200.yaml:')
assert yaml.contains('  - "console=ttyS0,115200"  # src/main/nodeimage/profiles/site-b200.yaml:6')
assert yaml.contains('    - rasdaemon  # src/main/nodeimage/profiles/site-b200.yaml:8')
assert yaml.contains('      flavor: open  # nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-nvidia-blackwell-b200.yaml:')
assert !yaml.contains('extends:')
// The same text went to standard output, without log prefixes.
assert log.readLines().contains('  release: "24.04"  # nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-base.yaml:7')
assert !log.contains('[INFO]   release:')
return true
