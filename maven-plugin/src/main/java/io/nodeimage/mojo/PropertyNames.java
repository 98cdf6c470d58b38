package io.nodeimage.mojo;

/** Every user property nodeimage reads, in one place, so scripts can rely on the names. */
public final class PropertyNames {

    public static final String PROFILES_DIRECTORY = "nodeimage.profilesDirectory";
    public static final String VENDOR_DIRECTORY = "nodeimage.vendorDirectory";
    public static final String POLICIES_DIRECTORY = "nodeimage.policiesDirectory";
    public static final String PROFILES = "nodeimage.profiles";
    public static final String OUTPUT_DIRECTORY = "nodeimage.outputDirectory";
    public static final String IMAGE = "nodeimage.image";
    public static final String PLAIN_HTTP_REGISTRIES = "nodeimage.registry.plainHttp";
    public static final String FAIL_ON = "nodeimage.failOn";
    public static final String SKIP = "nodeimage.skip";
    public static final String VALIDATE_SKIP = "nodeimage.validate.skip";
    public static final String VALIDATE_CATALOG = "nodeimage.validate.catalog";
    public static final String EFFECTIVE_PROFILE_SKIP = "nodeimage.effective-profile.skip";
    public static final String ORIGINS = "nodeimage.origins";
    public static final String STRICT = "nodeimage.strict";
    public static final String RENDER_SKIP = "nodeimage.render.skip";
    public static final String INSPECT_SKIP = "nodeimage.inspect.skip";
    public static final String VERIFY_SKIP = "nodeimage.verify.skip";
    public static final String VERIFY_CATALOG = "nodeimage.verify.catalog";
    public static final String VERIFY_PROFILE_POLICY = "nodeimage.verify.profilePolicy";
    public static final String VERIFY_CROSS_CHECK = "nodeimage.verify.crossCheck";
    public static final String VERIFY_CROSS_CHECK_SEVERITY = "nodeimage.verify.crossCheckSeverity";
    public static final String REPOSITORY = "nodeimage.repository";
    public static final String POLICY_TESTS_DIRECTORY = "nodeimage.policyTestsDirectory";
    public static final String TEST_POLICIES_SKIP = "nodeimage.test-policies.skip";
    public static final String TAG = "nodeimage.tag";
    public static final String POLICY_CACHE = "nodeimage.policyCache";
    public static final String MODULE_CACHE = "nodeimage.moduleCache";
    public static final String MODULE_CACHE_DISABLED = "nodeimage.moduleCache.disabled";
    public static final String BUILD_SKIP = "nodeimage.build.skip";
    public static final String BUILD_THREADS = "nodeimage.build.threads";
    public static final String CERTIFY_SKIP = "nodeimage.certify.skip";
    public static final String ALLOW_DIRTY = "nodeimage.certify.allowDirty";
    public static final String SIGNING_KEY = "nodeimage.certify.signingKey";
    public static final String SIGNING_KEY_SERVER = "nodeimage.certify.signingKeyServer";
    public static final String REQUIRE_SIGNATURE = "nodeimage.certify.requireSignature";
    public static final String CERTIFICATE = "nodeimage.certificate";
    public static final String PUBLIC_KEY = "nodeimage.certificate.publicKey";
    public static final String PUBLIC_KEY_FINGERPRINT = "nodeimage.certificate.publicKeyFingerprint";
    public static final String CHECK_CERTIFICATE_SKIP = "nodeimage.check-certificate.skip";
    public static final String CHECK_IMAGE = "nodeimage.check.image";
    public static final String PUSH_REPOSITORY = "nodeimage.push.repository";
    public static final String PUSH_ALLOW_HTTP = "nodeimage.push.allowHttp";
    public static final String REGISTRY_CA_FILE = "nodeimage.push.caFile";
    public static final String PUSH_SKIP = "nodeimage.push.skip";
    public static final String ATTACH_SKIP = "nodeimage.attach.skip";
    public static final String MATRIX_SKIP = "nodeimage.matrix.skip";
    public static final String MATRIX_OUTPUT = "nodeimage.matrix.output";
    public static final String MATRIX_GITLAB_PIPELINE = "nodeimage.matrix.gitlabPipeline";
    public static final String AS_OF = "nodeimage.asOf";
    public static final String WAIVERS_WARN_DAYS = "nodeimage.waivers.warnDays";
    public static final String WAIVERS_MAX_DAYS = "nodeimage.waivers.maxDays";
    public static final String LINT_SKIP = "nodeimage.lint-policies.skip";
    public static final String VALIDATE_POLICIES = "nodeimage.validate.policies";
    public static final String HOST_ROOT = "nodeimage.host.root";
    public static final String HOST_NVIDIA_SMI_XML = "nodeimage.host.nvidiaSmiXml";
    public static final String HOST_IMAGE_TREE = "nodeimage.host.imageTree";
    public static final String HOST_CERTIFICATE = "nodeimage.host.certificate";
    public static final String VERIFY_HOST_SKIP = "nodeimage.verify-host.skip";
    public static final String TRUSTED_MODULE_SIGNERS = io.nodeimage.policy.SiteSigners.PROPERTY;

    private PropertyNames() {
    }
}
