// The project is its own git repository (see src/it/git-project.groovy).
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))

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
