// Inputs that are better made than committed: a 10 MB file, bytes that are not UTF-8, and a link
// that leads out of the profiles folder.
import java.nio.file.Files

def profiles = new File(basedir, 'src/main/nodeimage/profiles').toPath()

def big = profiles.resolve('huge.yaml').toFile()
big.withOutputStream { out ->
    def line = 'padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.getBytes('US-ASCII')
    for (int i = 0; i < (10 * 1024 * 1024) / line.length; i++) {
        out.write(line)
    }
}

profiles.resolve('latin1.yaml').toFile().bytes =
        'apiVersion: nodeimage/v1\nkind: Profile\nname: latin1\ndescription: caf\u00e9\n'.getBytes('ISO-8859-1')

def link = profiles.resolve('linked.yaml')
Files.deleteIfExists(link)
Files.createSymbolicLink(link, new File(basedir, 'outside/secret.yaml').toPath())
return true
