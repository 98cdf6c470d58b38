// validate must fail, name every broken profile at its file:line:column, and never show a stack trace.
def log = new File(basedir, 'build.log').text
def p = 'src/main/nodeimage/profiles/'

def expected = [
    "${p}unknown-key.yaml:7:5: kernel.modules.disabel: unknown key 'disabel'; did you mean 'disable'?",
    "${p}wrong-types.yaml:6:12: kernel.cmdline: expected a list, found the text 'iommu=pt'",
    "${p}wrong-types.yaml:8:36: kernel.modules.disable[2]: 'nouveau; reboot' is not a kernel module name",
    "${p}malformed.yaml:5:1: not valid YAML: expected ',' or '}'",
    "${p}cycle-b.yaml:4:10: extends: extends cycle: cycle-a -> cycle-b -> cycle-a",
    "${p}missing-parent.yaml:4:10: extends: no profile named 'good-bsae' in the profiles folder or the bundled catalog; did you mean 'good-base'?",
    "${p}path-escape.yaml:4:10: extends: '../../../../outside/secret' is not a profile name",
    "${p}alias-bomb.yaml:1:1: not valid YAML: Number of aliases for non-scalar nodes exceeds the specified max=50",
    "${p}java-tag.yaml:5:14: not valid YAML: Global tag is not allowed: tag:yaml.org,2002:javax.script.ScriptEngineManager",
    "${p}huge.yaml:1:1: the file is 10",
    "bytes; the limit is 1048576 bytes",
    "${p}latin1.yaml:4:17: byte 0xe9 at offset 68 is not UTF-8",
    "${p}linked.yaml:1:1: is a link that leads outside the profiles folder",
]
def missing = expected.findAll { !log.contains(it.toString()) }
assert missing.isEmpty() : "not in build.log:\n" + missing.join('\n')
assert log.contains('BUILD FAILURE')
assert !log.contains('Exception in thread')
assert !log.contains('\tat ') : 'a stack trace reached the user'
// The Blackwell rule is not reached for a profile that already has shape errors, but the shape errors are all there.
assert log.contains('problems in') && log.contains('Hint: fix each one at the file:line:column shown')
return true
