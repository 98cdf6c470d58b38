import groovy.json.JsonSlurper

// The registry registry-push-certify-attach started is no longer needed.
System.properties.remove('nodeimage.it.registry')?.destroy()
def log = new File(basedir, 'build.log').text
def checked = new JsonSlurper().parse(new File(basedir, 'checked.json'))
def keyid = new File(basedir, '../registry-keys/signing-key.sha256').text
def pushed = new JsonSlurper().parse(new File(basedir, '../registry-push-certify-attach/target/nodeimage/site-node/pushed.json'))
def shown = "the certificate attached to ${checked.image}"

// 1: found as a referrer (the tag fallback: the registry has no referrers API), verified, then it holds for the
// image read from the registry with the login of settings.xml's server.
assert log.contains('Registry 127.0.0.1:23766: the login of settings.xml server 127.0.0.1:23766 (user it-push)')
assert log =~ /the certificate sha256:[0-9a-f]{64} attached to ${java.util.regex.Pattern.quote(checked.image)}: signature verified with the ECDSA P-256 key sha256:${keyid}; it certifies ${java.util.regex.Pattern.quote(checked.image)}/
assert log.contains("${shown}: holds for docker://${checked.image} (${pushed.imageId})")

// 2: another key: no envelope attached is signed by it.
assert log =~ /no certificate attached to ${java.util.regex.Pattern.quote(checked.image)} holds: none is signed by the key given \(ECDSA P-256 key sha256:[0-9a-f]{64}\), an unknown key/

// 3: the envelope edited after signing (its subject turned to the other image).
assert log =~ /no certificate attached to ${java.util.regex.Pattern.quote(checked.edited)} holds:/
assert log =~ /its signature by ECDSA P-256 key sha256:${keyid} does not verify: the statement \(or its payloadType\) was edited after signing/

// 4: the real certificate attached to another image: it verifies, but certifies the pushed digest, not this one.
assert log =~ /no certificate attached to ${java.util.regex.Pattern.quote(checked.other)} holds:/
assert log.contains("its signature verifies, but it certifies ${pushed.digest} (${pushed.repository}), not ${checked.other.substring(checked.other.indexOf('@') + 1)}: an envelope for another digest")

assert !log.contains('it-push-secret')
assert !log.contains('\tat io.nodeimage.')
return true
