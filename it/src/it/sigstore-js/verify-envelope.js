// An outside check of a DSSE envelope nodeimage:certify wrote (one line of an .intoto.jsonl): sigstore-js's
// verifier, the one behind npm's provenance. The envelope goes into a Sigstore bundle whose verification
// material is a public-key hint (the envelope's key id) and the trust material answers that hint with the
// PEM public key given; no transparency-log entry or timestamp is asked for, as for cosign's key-based,
// offline verification. Prints "verified <payloadType>" and exits 0, or prints the error and exits 1.
//   node verify-envelope.js <envelope.jsonl> <public-key.pem>
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity } = require('@sigstore/verify');

const [envelopeFile, publicKeyFile] = process.argv.slice(2);
const envelope = JSON.parse(fs.readFileSync(envelopeFile, 'utf8').trim());
const key = crypto.createPublicKey(fs.readFileSync(publicKeyFile));
const bundle = bundleFromJSON({
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  verificationMaterial: {
    publicKey: { hint: envelope.signatures[0].keyid },
    tlogEntries: [],
    timestampVerificationData: { rfc3161Timestamps: [] },
  },
  dsseEnvelope: envelope,
});
const trust = {
  certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [],
  publicKey: () => ({ publicKey: key, validFor: () => true }),
};
try {
  new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(toSignedEntity(bundle));
  console.log('verified ' + envelope.payloadType);
} catch (e) {
  console.log((e.code || e.name) + ': ' + e.message);
  process.exit(1);
}
