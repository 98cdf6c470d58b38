// The seeded base image saved as docker save writes it, and the engine's id of it to compare with.
def target = new File(basedir, 'target')
target.mkdirs()
def save = ['docker', 'save', '-o', new File(target, 'image.tar').path, 'nodeimage/debian:12'].execute()
save.waitForProcessOutput(System.out, System.err)
assert save.exitValue() == 0
def id = ['docker', 'image', 'inspect', '--format', '{{.Id}}', 'nodeimage/debian:12'].execute()
new File(target, 'engine-id.txt').text = id.text.trim()
assert id.waitFor() == 0
return true
