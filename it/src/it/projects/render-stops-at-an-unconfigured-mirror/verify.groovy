def log = new File(basedir, 'build.log').text
// The mirror is named where the profile names it, with the way to configure it.
assert log.contains("src/main/nodeimage/profiles/site-h100-rhel.yaml:6:23: repositories[0].url: repository 'cuda' uses mirror 'nvidia', which is not configured; no mirrors are configured; set <mirrors><nvidia>https://...</nvidia></mirrors> in the plugin's configuration")
assert log.contains("src/main/nodeimage/profiles/site-h100-rhel.yaml:6:65: repositories[0].key: repository 'cuda' uses mirror 'nvidia'")
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ')
assert !new File(basedir, 'target/nodeimage/site-h100-rhel').exists()
return true
