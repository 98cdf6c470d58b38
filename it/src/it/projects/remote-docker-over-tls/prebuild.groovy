// A TLS endpoint for this machine's engine on 127.0.0.1:23765 that accepts only clients with a
// certificate from the test's own CA (socat, as a stand-in for dockerd's --tlsverify), and the
// certificates a Docker client reads from DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem.
def run = { List<String> cmd ->
    def p = cmd.execute(null, basedir)
    def out = new StringBuilder()
    p.waitForProcessOutput(out, out)
    assert p.exitValue() == 0 : "${cmd.join(' ')} failed: ${out}"
}
def certs = new File(basedir, 'certs')
certs.deleteDir()
new File(certs, 'client').mkdirs()
new File(certs, 'server').mkdirs()
new File(certs, 'san.cnf').text = 'subjectAltName = IP:127.0.0.1,DNS:localhost\n'
run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
     '-subj', '/CN=nodeimage it engine CA', '-keyout', 'certs/ca-key.pem', '-out', 'certs/ca.pem'])
['server', 'client'].each { who ->
    run(['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
         '-subj', "/CN=nodeimage it ${who}".toString(), '-keyout', "certs/${who}/key.pem".toString(),
         '-out', "certs/${who}.csr".toString()])
    def sign = ['openssl', 'x509', '-req', '-in', "certs/${who}.csr".toString(), '-CA', 'certs/ca.pem',
                '-CAkey', 'certs/ca-key.pem', '-CAcreateserial', '-days', '2', '-out', "certs/${who}/cert.pem".toString()]
    if (who == 'server') {
        sign += ['-extfile', 'certs/san.cnf']
    }
    run(sign)
    new File(certs, "${who}/ca.pem").text = new File(certs, 'ca.pem').text
}
run(['openssl', 'pkcs12', '-export', '-in', 'certs/server/cert.pem', '-inkey', 'certs/server/key.pem',
     '-out', 'certs/server.p12', '-passout', 'pass:nodeimage-it'])

// The endpoint: TLS on 127.0.0.1:23765, the client's certificate required and checked against the CA,
// bytes passed to this machine's engine socket. In this JVM, on daemon threads, for the build's length.
import javax.net.ssl.*
import java.nio.channels.*
import java.security.KeyStore
import java.security.cert.CertificateFactory

def socket = System.getenv('DOCKER_HOST')?.startsWith('unix://') ? System.getenv('DOCKER_HOST').substring(7) : '/var/run/docker.sock'
def keys = KeyStore.getInstance('PKCS12')
new File(certs, 'server.p12').withInputStream { keys.load(it, 'nodeimage-it'.toCharArray()) }
def kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm())
kmf.init(keys, 'nodeimage-it'.toCharArray())
def trust = KeyStore.getInstance('PKCS12')
trust.load(null, null)
new File(certs, 'ca.pem').withInputStream { trust.setCertificateEntry('ca', CertificateFactory.getInstance('X.509').generateCertificate(it)) }
def tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm())
tmf.init(trust)
def tls = SSLContext.getInstance('TLS')
tls.init(kmf.keyManagers, tmf.trustManagers, null)
def server = (SSLServerSocket) tls.serverSocketFactory.createServerSocket(23765, 50, InetAddress.getByName('127.0.0.1'))
server.needClientAuth = true
// verify.groovy closes it: the same JVM runs the projects again with the distribution's Maven.
System.properties.put('nodeimage.it.tlsEndpoint', server)
def log = new File(basedir, 'tls-endpoint.log')
log.text = ''
// The channel's own read and write, not Channels' streams: those take one lock for both directions, and
// a response could not be written while the next request is awaited.
def toEngine = { InputStream from, SocketChannel engine ->
    Thread.startDaemon {
        byte[] buffer = new byte[65536]
        try {
            int n
            while ((n = from.read(buffer)) > 0) {
                def b = java.nio.ByteBuffer.wrap(buffer, 0, n)
                while (b.hasRemaining()) {
                    engine.write(b)
                }
            }
        } catch (IOException ignored) {
        } finally {
            try { engine.shutdownOutput() } catch (IOException ignored) {}
        }
    }
}
def toClient = { SocketChannel engine, SSLSocket client ->
    Thread.startDaemon {
        def b = java.nio.ByteBuffer.allocate(65536)
        def out = client.outputStream
        try {
            while (engine.read(b) > 0) {
                out.write(b.array(), 0, b.position())
                out.flush()
                b.clear()
            }
        } catch (IOException ignored) {
        } finally {
            try { client.close(); engine.close() } catch (IOException ignored) {}
        }
    }
}
Thread.startDaemon('nodeimage-it-tls-endpoint') {
    while (!server.closed) {
        SSLSocket client
        try {
            client = (SSLSocket) server.accept()
            client.startHandshake()
            def peer = client.session.peerCertificates[0].subjectX500Principal.name
            synchronized (log) { log << "accepted ${peer}\n" }
            def engine = SocketChannel.open(UnixDomainSocketAddress.of(socket))
            toEngine(client.inputStream, engine)
            toClient(engine, client)
        } catch (IOException e) {
            synchronized (log) { log << "refused: ${e.message}\n" }
            try { client?.close() } catch (IOException ignored) {}
        }
    }
}
return true
