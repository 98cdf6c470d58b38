// The CI's keys, made by openssl beside the project (never in its git tree), and a registry on 127.0.0.1:23766
// behind a login (htpasswd, bcrypt of the password src/it/settings.xml's server 127.0.0.1:23766 holds), for
// this project and registry-check-from-the-digest-and-key; that project's verify.groovy stops it.
def keys = new File(basedir, '../registry-keys')
keys.deleteDir()
keys.mkdirs()
def openssl = { String... args ->
    def p = (['openssl'] + args.toList()).execute(null, keys)
    def out = new ByteArrayOutputStream()
    def err = new ByteArrayOutputStream()
    p.waitForProcessOutput(out, err)
    assert p.exitValue() == 0 : "openssl ${args.join(' ')}: ${err}"
    out.toByteArray()
}
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'signing-key.pem')
openssl('pkey', '-in', 'signing-key.pem', '-pubout', '-out', 'signing-key.pub.pem')
openssl('pkcs8', '-topk8', '-in', 'signing-key.pem', '-v2', 'aes-256-cbc', '-passout', 'pass:the right one', '-out', 'signing-key.enc.pem')
openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'other-key.pem')
openssl('pkey', '-in', 'other-key.pem', '-pubout', '-out', 'other-key.pub.pem')
new File(keys, 'signing-key.sha256').text = java.security.MessageDigest.getInstance('SHA-256')
        .digest(openssl('pkey', '-pubin', '-in', 'signing-key.pub.pem', '-outform', 'DER')).encodeHex().toString()

System.properties.remove('nodeimage.it.registry')?.destroy()
def root = new File(basedir, '../registry-storage').canonicalFile
root.deleteDir()
root.mkdirs()
new File(root, 'htpasswd').text = 'it-push:$2b$05$7O5EQs4vGURoLtEnefz3b.TGBjlrjhkezfldwjJPduF0Qv19qSi2C\n'
new File(root, 'config.yml').text = """version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${root}/data
http:
  addr: 127.0.0.1:23766
auth:
  htpasswd:
    realm: nodeimage-it
    path: ${root}/htpasswd
"""
def registry = new ProcessBuilder('/usr/bin/docker-registry', 'serve', new File(root, 'config.yml').path)
        .redirectErrorStream(true).redirectOutput(new File(root, 'registry.log')).start()
// Stopped with the invoker's JVM too, should the checking project not run.
Runtime.runtime.addShutdownHook(new Thread({ registry.destroy() }))
System.properties.put('nodeimage.it.registry', registry)
def up = false
for (int i = 0; i < 100 && !up; i++) {
    try {
        new Socket('127.0.0.1', 23766).close()
        up = true
    } catch (IOException e) {
        sleep(100)
    }
}
assert up : "the registry did not listen on 127.0.0.1:23766: ${new File(root, 'registry.log').text}"

evaluate(new File(basedir, '../../../src/it/git-project.groovy'))
return true
