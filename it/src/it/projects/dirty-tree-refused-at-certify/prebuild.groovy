// The project is its own git repository, committed, as a team's would be.
def git(String... args) {
    def p = (['git', '-c', 'user.name=nodeimage-it', '-c', 'user.email=it@localhost', '-c', 'init.defaultBranch=main'] + args.toList())
            .execute(null, basedir)
    p.waitForProcessOutput(System.out, System.err)
    assert p.exitValue() == 0 : "git ${args.join(' ')} failed"
}
new File(basedir, '.gitignore').text = new File(basedir, 'gitignore.txt').text
git('init', '-q')
git('add', '-A')
git('commit', '-q', '--allow-empty', '-m', 'site profile and policies')
git('tag', '-f', 'v1.0')
// An edit after the commit: the tree is dirty.
new File(basedir, 'notes.txt').text = 'not committed'
return true
