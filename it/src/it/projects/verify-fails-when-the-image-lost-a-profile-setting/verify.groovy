import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
// The default tag: the project version and the commit (the project is its own git repository).
def tag = '1.0-' + ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim().substring(0, 12)
def out = new File(basedir, 'target/nodeimage/site-node')
def rule = 'profile:sysctl/net.ipv4.ip_forward'

// verify (first run): the profile is judged as a policy; its forwarding rule fails, and the waiver covers it.
assert log.contains('site-node: judged against its own profile too: 12 rules (nodeimage.verify.profilePolicy=false turns this off)')
assert log =~ /it-lost-setting\/site-node:${tag}: [0-9]+ passed, 0 failed, 1 waived, /
assert log =~ /site-node: certified it-lost-setting\/site-node:${tag} \(sha256:[0-9a-f]{64}\)/
// check-certificate judged the image again, the profile's rules included, and the certificate holds.
assert log.contains("target/nodeimage/site-node/certificate.intoto.json: holds for it-lost-setting/site-node:${tag}")
// verify with the profile's rules turned off: only the first and the last runs judged them.
assert log.count('judged against its own profile too') == 2

// verify (last run, no waiver): the build fails naming the profile key, the line that asked, and what the image has.
assert log.contains('policy violations at or above the failOn severity')
assert log.contains("it-lost-setting/site-node:${tag}: ${rule} (high, profile at src/main/nodeimage/profiles/site-node.yaml:7:24): "
        + 'net.ipv4.ip_forward is 1, not 0')
def report = new JsonSlurper().parse(new File(out, 'report.json'))
def failed = report.results.findAll { it.status == 'fail' }
assert failed*.rule == [rule] : failed*.rule
def own = report.results.findAll { it.policy == 'profile' }
assert own*.rule.contains('profile:packages.remove/tzdata') && own*.rule.contains('profile:files/etc/sysctl.d/99-site-tuning.conf')
assert own.findAll { it.status == "pass" }.size() == 10
// The module rule waits for a kernel: a container image has none.
assert own.find { it.rule == 'profile:kernel.modules.disable/nouveau' }.status == 'not-applicable'
assert failed[0].evidence == ['net.ipv4.ip_forward = 1 (/etc/sysctl.d/99-site-tuning.conf)']
assert new File(out, 'junit.xml').text.contains("${rule}: net.ipv4.ip_forward is 0, as sysctl asks")
def sarif = new JsonSlurper().parse(new File(out, 'report.sarif')).runs[0].results.find { it.ruleId == rule }
assert sarif.locations[0].physicalLocation.artifactLocation.uri == 'etc/sysctl.d/99-site-tuning.conf'
assert sarif.relatedLocations[0].physicalLocation.artifactLocation.uri == 'src/main/nodeimage/profiles/site-node.yaml'
assert sarif.relatedLocations[0].physicalLocation.region.startLine == 7
def summary = new File(out, 'summary.md').text
assert summary.startsWith('# nodeimage verdict: FAILED')
assert summary =~ /- profile [0-9a-f]{12} \(src\/main\/nodeimage\/profiles\/site-node\.yaml\)/
assert !new File(out, 'certificate.intoto.json').exists()
return true
