import groovy.json.JsonSlurper

def lines = new File(basedir, 'build.log').readLines().findAll { !it.isBlank() && !it.startsWith('Running post-build script') }
// -q: the JSON is the whole output, on one line.
assert lines.size() == 1 : lines
def matrix = new JsonSlurper().parseText(lines[0])
assert matrix.include*.profile == ['rhel-9-nvidia-hopper', 'site-gb200']
def gb200 = matrix.include.find { it.profile == 'site-gb200' }
assert gb200.family == 'ubuntu' && gb200.release == '24.04' && gb200.arch == 'aarch64'
// The default tag: the project version and the commit of the work tree around the project.
assert gb200.image ==~ /registry\.invalid\/nodes\/site-gb200:2\.3-[0-9a-f]{12}(-dirty-[0-9a-f]{8})?/
assert new JsonSlurper().parse(new File(basedir, 'target/nodeimage/matrix.json')) == matrix
// GitLab's child pipeline: one job a profile, running its verify.
def images = new File(basedir, 'target/images.yml').text
assert images.contains('"image-site-gb200":\n  script:\n    - "./mvnw -B verify -Dnodeimage.profiles=site-gb200"\n')
assert images.contains('"image-rhel-9-nvidia-hopper":')
return true
