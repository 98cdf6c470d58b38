def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def line = log.readLines().find { it.contains('profiles valid:') }
assert line != null : 'no summary line'
// The site profile and every bundled profile were checked.
['site-b200', 'site-b200-registry', 'debian-12-demo', 'ubuntu-24.04-nvidia-gb200', 'rhel-10-nvidia-vera-rubin', 'ubuntu-24.04-amd-mi300x'].each {
    assert line.contains(it) : "${it} not validated: ${line}"
}
// Replacing the inherited kernel command line drops iommu=pt: validate passes, and says so at the line.
assert log.contains("[WARNING] src/main/nodeimage/profiles/site-b200-registry.yaml:7:12: kernel.cmdline: replaces the inherited list written at nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-nvidia-blackwell-b200.yaml:12:12, dropping [iommu=pt]; write 'cmdline+:' to add")
assert !log.contains('site-b200.yaml:') : 'cmdline+ appends: nothing to warn about'
return true
