// Shared by the prebuild scripts of the projects that certify: the project becomes its own git
// repository, committed and tagged v1.0, as a team's would be. Defines gitIn(dir, args...) for more.
gitIn = { File dir, String... args ->
    def p = (['git', '-c', 'user.name=nodeimage-it', '-c', 'user.email=it@localhost', '-c', 'init.defaultBranch=main']
            + args.toList()).execute(null, dir)
    p.waitForProcessOutput(System.out, System.err)
    assert p.exitValue() == 0 : "git ${args.join(' ')} failed in ${dir}"
}
new File(basedir, '.gitignore').text = 'target/\nbuild.log\n'
gitIn(basedir, 'init', '-q')
gitIn(basedir, 'add', '-A')
gitIn(basedir, 'commit', '-q', '--allow-empty', '-m', 'site profile and policies')
gitIn(basedir, 'tag', '-f', 'v1.0')
return true
