import groovy.json.JsonSlurper

def log = new File(basedir, 'build.log').text
System.properties.remove('nodeimage.it.tlsEndpoint')?.close()
def endpoint = new File(basedir, 'tls-endpoint.log').text
// The plugin reached the engine through the TLS endpoint with the client certificate (the endpoint
// refuses a client without one), not through the local socket.
assert endpoint.contains('accepted CN=nodeimage it client') : endpoint
assert log.contains('BUILD SUCCESS')
def factsFile = new File(basedir, 'target/nodeimage/inspect').listFiles().find { new File(it, 'facts.json').isFile() }
assert factsFile != null
def facts = new JsonSlurper().parse(new File(factsFile, 'facts.json'))
assert facts.osRelease.ID == 'debian'
assert facts.files.find { it.path == '/etc/shadow' }.owner == 'root'
return true
