// The project is its own git repository (see src/it/git-project.groovy).
evaluate(new File(basedir, '../../../src/it/git-project.groovy'))

// The base moves from Docker's engine into Podman's through the two engines' APIs (nodeimage never pulls).
def load = ['bash', '-c', 'set -o pipefail; docker save nodeimage/debian:12 | curl -sSf --unix-socket '
        + '/run/nodeimage-podman.sock -X POST -H "Content-Type: application/x-tar" --data-binary @- http://d/images/load']
        .execute()
load.waitForProcessOutput(System.out, System.err)
assert load.exitValue() == 0 : 'cannot load nodeimage/debian:12 into Podman; is podman system service running (.ci/run)?'
return true
