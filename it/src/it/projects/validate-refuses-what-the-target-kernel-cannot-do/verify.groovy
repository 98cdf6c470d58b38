// validate fails for the profile whose kernel is too old, at each key with the release needed, and passes the
// same keys on the site's kernel that its vendor folder says is 7.1; no stack trace.
def log = new File(basedir, 'build.log').text
def p = 'src/main/nodeimage/profiles/tenants-on-noble.yaml'
assert log.contains("${p}:6:25: platform.nestedVirtualization: arm64 KVM nested virtualization (kvm-arm.mode=nested) needs Linux 6.16 or later")
assert log.contains("${p}:8:5: platform.mpam: Arm MPAM through resctrl needs Linux 7.1 or later")
assert log.contains("but linux-nvidia-64k on ubuntu 24.04 aarch64 ships 6.8")
assert log.contains('2 problems in 1 of 2 profiles')
assert !log.contains('tenants-on-site-kernel.yaml:')
assert log.contains('BUILD FAILURE')
assert !log.contains('\tat ') : 'a stack trace reached the user'
return true
