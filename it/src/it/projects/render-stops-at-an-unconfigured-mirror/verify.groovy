def log = new File(basedir, 'build.log').text
assert log.contains("repository 'cuda' uses mirror 'nvidia', which is not configured")
assert log.contains('Hint: set <mirrors><nvidia>https://...</nvidia></mirrors> in the plugin configuration')
assert !log.contains('\tat ')
assert !new File(basedir, 'target/nodeimage/site-h100-rhel').exists()
return true
