// Two runs append to build.log; every goal skips, each naming the property that made it skip.
def log = new File(basedir, 'build.log').text
['validate', 'render', 'test-policies', 'build', 'verify', 'certify'].each { goal ->
    assert log.contains("Skipping nodeimage:${goal} because nodeimage.skip is true")
    assert log.contains("Skipping nodeimage:${goal} because nodeimage.${goal}.skip is true")
}
// The default phases put them in the order of an image's life.
def order = ['validate', 'render', 'test-policies', 'build', 'verify', 'certify'].collect {
    log.indexOf("Skipping nodeimage:${it} because nodeimage.skip is true")
}
assert order == order.sort(false)
assert !log.contains('profiles valid')
return true
