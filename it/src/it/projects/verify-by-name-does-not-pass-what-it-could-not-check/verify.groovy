def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/inspect/nodeimage_debian_12')
// The profile-only policy is not a silent pass: its critical rule fails the run, as not checked.
assert log =~ /\[ERROR\] GPU-001 \(critical\) not checked: the policy selects profiles \*nvidia\*, and the image was judged without a profile/
assert log =~ /\[WARNING\] GPU-002 \(medium\) not checked: /
assert log =~ /nodeimage\/debian:12: GPU-001 \(critical, gpu-nodes at src\/main\/nodeimage\/policies\/gpu-nodes\.yaml:7:5\): not checked: /
// A waiver file (.yml) waives a bundled rule by its full id; one that waived nothing is listed; expiry warned.
assert log =~ /\[WARNING\] the waiver of container-hardening\/NODE-HARD-001 \(src\/main\/nodeimage\/policies\/site-waivers\.yml:5:5\) expires on 2026-12-15, in 18 days/
assert log =~ /\[WARNING\] waiver of container-hardening\/NODE-HARD-003 at src\/main\/nodeimage\/policies\/site-waivers\.yml:9:5 waived nothing: the rule passes/
// An expired waiver of a rule below failOn is logged by what it does to the build: a warning.
assert log =~ /\[WARNING\] NODE-HARD-002: waiver expired on 2026-01-31 \(low, below failOn\)/
assert !(log =~ /\[ERROR\] NODE-HARD-002/)
def summary = new File(out, 'summary.md').text
assert summary.startsWith('# nodeimage verdict: FAILED')
assert summary =~ /Image `nodeimage\/debian:12` \(`sha256:[0-9a-f]{64}`\), judged without a profile, judged 2026-11-27/
assert summary.contains('| GPU-001 | critical | not checked (fails the run) |')
assert summary.contains('- gpu-nodes 3.1.0 (src/main/nodeimage/policies/gpu-nodes.yaml)')
assert summary.contains('| NODE-HARD-001 | medium | waived |')
assert summary.contains('## Waivers that waived nothing')
assert summary.contains('Remediation: Enable nvidia-persistenced')
assert summary =~ /\| CIS-RHEL9-1\.1\.1\.1 \| cis-kernel-modules-rhel9 \| the policy is for rhel; the image is debian 12 x86_64 \(no profile\) \|/
def sarif = new groovy.json.JsonSlurper().parse(new File(out, 'report.sarif'))
def run = sarif.runs[0]
assert run.properties.image == 'nodeimage/debian:12'
assert run.properties.imageId ==~ /sha256:[0-9a-f]{64}/
assert run.tool.driver.rules.find { it.id == 'GPU-001' }.properties.'security-severity' == '9.5'
assert run.results.find { it.ruleId == 'GPU-001' }.kind == 'review'
def hard1 = run.results.find { it.ruleId == 'NODE-HARD-001' }
assert hard1.suppressions[0].kind == 'external'
assert hard1.locations[0].physicalLocation.artifactLocation.uriBaseId == 'NODEIMAGE_POLICIES'
def perms = java.nio.file.Files.getPosixFilePermissions(new File(out, 'summary.md').toPath())
assert perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
return true
