import java.nio.file.Files
import java.nio.file.StandardCopyOption

// The live H100 node's files (../shared/fixtures/live-h100 beside the clone), copied, with an unsigned module loaded:
// the kernel's taint gains E (8192) and nvidia's own taint letters OE.
def fixture = new File(basedir, '../../../../../shared/fixtures/live-h100').canonicalFile.toPath()
if (!java.nio.file.Files.isDirectory(fixture)) {
    throw new IllegalStateException("the live H100 fixture is not at " + fixture + "; it comes with ../shared beside the clone")
}
def node = new File(basedir, 'node').toPath()
Files.walk(fixture).withCloseable { walk ->
    walk.filter { !it.startsWith(fixture.resolve('modules')) }.each { p ->
        def to = node.resolve(fixture.relativize(p).toString())
        if (Files.isDirectory(p)) {
            Files.createDirectories(to)
        } else {
            Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING)
            to.toFile().setWritable(true)
        }
    }
}
new File(node.toFile(), 'root/proc/sys/kernel/tainted').text = '12288\n'
def modules = new File(node.toFile(), 'root/proc/modules')
modules.text = modules.text.replace('0xffffffffc0400000 (O)', '0xffffffffc0400000 (OE)')
return true
