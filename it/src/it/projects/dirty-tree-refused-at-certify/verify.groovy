def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
// verify passed; certify refused, naming the path that is not committed.
assert log =~ /it-dirty\/site-node:1\.0: \d+ passed, 0 failed/
assert log.contains('certification of it-dirty/site-node:1.0 refused:')
assert log.contains('the git work tree is dirty (1 paths: notes.txt)')
assert log.contains('nodeimage.certify.allowDirty')
assert !new File(out, 'certificate.intoto.json').exists()
return true
