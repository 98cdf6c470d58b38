import java.security.MessageDigest

// A rendered folder whose Containerfile fails at its second step, beside what the previous image's
// verify and certify wrote, and a file of the user's.
def dir = new File(basedir, 'target/nodeimage/site-node')
dir.mkdirs()
def containerfile = "FROM nodeimage/debian:12\nRUN echo 'failing on purpose'; exit 3\n"
new File(dir, 'Containerfile').text = containerfile
def sha = MessageDigest.getInstance('SHA-256').digest(containerfile.getBytes('UTF-8')).encodeHex().toString()
new File(dir, '.nodeimage-render').text = "inputs left-by-prebuild\n${sha} Containerfile\n"
['build.json', 'facts.json', 'report.json', 'junit.xml', 'report.sarif', 'summary.md', 'verification.json',
 'certificate.intoto.json', 'certificate.md', 'notes.txt'].each {
    new File(dir, it).text = "left by an earlier run\n"
}
return true
