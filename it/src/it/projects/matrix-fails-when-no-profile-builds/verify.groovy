def log = new File(basedir, 'build.log').text
assert log.contains('no profile to build: the profiles directory holds none') : log
assert log.contains('Hint: a CI matrix needs at least one entry')
assert !log.contains('{"include"')
assert !new File(basedir, 'target/nodeimage/matrix.json').exists()
return true
