// Two runs append to build.log; both skip, each naming the property that made it skip.
def log = new File(basedir, 'build.log').text
assert log.contains('Skipping nodeimage:validate because nodeimage.skip is true')
assert log.contains('Skipping nodeimage:validate because nodeimage.validate.skip is true')
assert !log.contains('profiles valid')
return true
