// The project is its own git repository, committed, as a team's would be.
def git(String... args) {
    gitIn(basedir, args)
}
def gitIn(File dir, String... args) {
    def p = (['git', '-c', 'user.name=nodeimage-it', '-c', 'user.email=it@localhost', '-c', 'init.defaultBranch=main'] + args.toList())
            .execute(null, dir)
    p.waitForProcessOutput(System.out, System.err)
    assert p.exitValue() == 0 : "git ${args.join(' ')} failed"
}
new File(basedir, '.gitignore').text = new File(basedir, 'gitignore.txt').text
git('init', '-q')
git('add', '-A')
git('commit', '-q', '--allow-empty', '-m', 'site profile and policies')
git('tag', '-f', 'v1.0')

// The security team's policy repository, beside the project.
def secops = new File(basedir, '../lifecycle-secops-policies')
secops.deleteDir()
new File(secops, 'policies').mkdirs()
new File(secops, 'policies/secops.yaml').text = '''apiVersion: nodeimage/v1
kind: Policy
name: secops
version: 2.1.0
rules:
  - {id: SEC-001, title: the kernel log is for root, severity: high, sysctl: {key: kernel.dmesg_restrict, value: "1"}}
'''
gitIn(secops, 'init', '-q')
gitIn(secops, 'add', '-A')
gitIn(secops, 'commit', '-q', '--allow-empty', '-m', 'secops policies')
gitIn(secops, 'tag', 'v2.1.0')
return true
