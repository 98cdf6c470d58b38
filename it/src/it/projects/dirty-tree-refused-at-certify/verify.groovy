def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-node')
// The default tag says the tree had changes: the commit, then -dirty- and a digest of the changes.
def head = ['git', 'rev-parse', 'HEAD'].execute(null, basedir).text.trim()
def tag = (log =~ /it-dirty\/site-node:(1\.0-[0-9a-f]{12}-dirty-[0-9a-f]{8}): /)[0][1]
assert tag.startsWith('1.0-' + head.substring(0, 12) + '-dirty-')
// verify passed; certify refused, naming the path that is not committed.
assert log =~ /it-dirty\/site-node:${tag}: \d+ passed, 0 failed/
assert log.contains("certification of it-dirty/site-node:${tag} refused:")
assert log.contains('the git work tree is dirty (1 paths: notes.txt)')
assert log.contains('nodeimage.certify.allowDirty')
assert !new File(out, 'certificate.intoto.json').exists()
return true
