// What an earlier run left in the profile's folder, and a file of the user's.
def dir = new File(basedir, 'target/nodeimage/site-node')
dir.mkdirs()
['Containerfile', 'kickstart.ks', 'build.json', 'facts.json', 'report.json', 'junit.xml', 'report.sarif', 'summary.md',
 'verification.json', 'certificate.intoto.json', 'certificate.md', 'notes.txt'].each {
    new File(dir, it).text = "left by an earlier run\n"
}
return true
