def log = new File(basedir, 'build.log').text
// Every problem of every file, each at its own line, in one run.
[
  /extra-rules\.yaml:6:5: id: rule id 'NODE-HARD-003' is also used by policy container-hardening at nodeimage-policies:nodeimage\/policies\/container-hardening\.yaml:\d+:\d+/,
  /site-rules\.yaml:8:51: waivers\[0\]\.expires: '12\/31\/2026' is not a date written YYYY-MM-DD/,
  /site-rules\.yaml:9:30: waivers\[1\]\.reason: is blank/,
  /site-rules\.yaml:9:43: waivers\[1\]\.expires: '2027-02-29' is not a day of the calendar/,
  /waivers\.yaml:5:5: rule: waives 'container-hardening\/NODE-HARD-01', which no policy of this run has; did you mean 'container-hardening\/NODE-HARD-001'\?/,
  /gpu\.yml:5:1: duplicate key 'version'/,
  /gpu\.yml:7:83: rules\[0\]\.service\.state: 'enabeld' is not one of enabled, not-enabled, masked; did you mean 'enabled'\?/,
  /site-rules-test\.yaml:6:61: cases\[0\]\.facts\.states\[0\]\.state: 'loadble' is not one of loadable/,
  /site-rules-test\.yaml:7:28: cases\[0\]\.expect\.NODE-HARD-03: policy extra-rules has no rule 'NODE-HARD-03'; did you mean 'NODE-HARD-003'\?/,
].each { assert log =~ it : "missing in the log: ${it}" }
// A test of a policy that could not be read is not called a test of a policy that does not exist.
assert !log.contains("no policy named 'site-rules'")
// Judged nothing: no image was inspected, no report written.
assert !new File(basedir, 'target/nodeimage').exists() || !new File(basedir, 'target/nodeimage/inspect').exists()
assert log.contains('BUILD FAILURE')
return true
