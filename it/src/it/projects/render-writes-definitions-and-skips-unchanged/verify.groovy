def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/nodeimage/site-h100-rhel')
['Containerfile', 'Containerfile.bootc', '50-nodeimage-kargs.toml', 'kickstart.ks', 'blueprint.toml', 'node.pkr.hcl',
 'provision.sh', 'plan.txt'].each {
    assert new File(out, it).isFile() : "${it} not rendered"
}
def script = new File(out, 'provision.sh').text
// The mirror resolved the repository; the driver came from the profile's accelerator.
assert script.contains("baseurl=https://mirror.example.internal/nvidia/cuda/rhel9/x86_64")
// The vendor data's CUDA repository, served by the site mirror of that name, its key still pinned.
assert script.contains("fetch_key https://mirror.example.internal/nvidia/cuda-rhel9/D42D0685.pub 610C7B14E068A878070DA4E99CD0A493D42D0685 ")
assert script.contains("baseurl=https://mirror.example.internal/nvidia/cuda-rhel9/\n")
// The driver as NVIDIA documents it for RHEL 9: the module stream holds the branch, DKMS from EPEL builds it.
assert script.contains("dnf -y module enable nvidia-driver:580-open")
assert script.contains("dnf install -y --setopt=install_weak_deps=False dkms 'nvidia-open-580.*'")
assert script.contains("make_mok 'nodeimage MOK site-h100-rhel'")
assert script.contains("# CIS-RHEL9-1.1.1.1 (CIS Red Hat Enterprise Linux 9 Benchmark v2.0.0 1.1.1.1)\nblacklist cramfs\ninstall cramfs /bin/false")
assert new File(out, 'Containerfile').text.startsWith('# Containerfile for profile site-h100-rhel (rhel 9.6 x86_64)')
// First run renders, second finds nothing changed.
assert log.contains('site-h100-rhel: rendered 50-nodeimage-kargs.toml, Containerfile')
assert log.contains('site-h100-rhel: unchanged, skipped')
return true
