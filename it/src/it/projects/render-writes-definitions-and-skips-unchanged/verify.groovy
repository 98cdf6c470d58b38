def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-h100-rhel')
['Containerfile', 'Containerfile.bootc', '50-nodeimage-kargs.toml', 'kickstart.ks', 'blueprint.toml', 'node.pkr.hcl',
 'provision.sh', 'plan.txt'].each {
    assert new File(out, it).isFile() : "${it} not rendered"
}
def script = new File(out, 'provision.sh').text
// The mirror resolved the repository; the driver came from the profile's accelerator.
assert script.contains("baseurl=https://mirror.example.internal/nvidia/cuda/rhel9/x86_64")
assert script.contains("nvidia-driver-pinning-580 nvidia-open nvidia-fabric-manager nvidia-container-toolkit")
assert script.contains("# CIS Red Hat Enterprise Linux 9 Benchmark v2.0.0 1.1.1.1\nblacklist cramfs\ninstall cramfs /bin/false")
assert new File(out, 'Containerfile').text.startsWith('# Containerfile for profile site-h100-rhel (rhel 9.6 x86_64)')
// First run renders, second finds nothing changed.
assert log.contains('site-h100-rhel: rendered 50-nodeimage-kargs.toml, Containerfile')
assert log.contains('site-h100-rhel: unchanged, skipped')
return true
