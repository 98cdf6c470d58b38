def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')
def line = log.readLines().find { it.contains('profiles valid:') }
assert line != null : 'no summary line'
// The site profile and every bundled profile were checked.
['site-b200', 'debian-12-demo', 'ubuntu-24.04-nvidia-gb200', 'rhel-10-nvidia-vera-rubin', 'ubuntu-24.04-amd-mi300x'].each {
    assert line.contains(it) : "${it} not validated: ${line}"
}
return true
