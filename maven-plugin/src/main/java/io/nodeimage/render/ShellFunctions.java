package io.nodeimage.render;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Step;

/**
 * The shell functions provision.sh defines for the steps that need more than one command: a pinned
 * repository key, a vendor's release package, components of the base image's own archive, a port in the
 * firewall, an SELinux boolean, the machine owner key for DKMS. Each takes its values as arguments, so
 * every call site quotes them through {@link Quoting}; none is emitted for a plan that does not call it.
 */
final class ShellFunctions {

    private ShellFunctions() {
    }

    /** Appends the functions the plan's steps call, each only when some step needs it. */
    static void append(StringBuilder s, Plan plan, boolean apt) {
        if (!plan.steps(Step.AddRepository.class).isEmpty()) {
            s.append("""
                    # fetch_key URL FINGERPRINT FILE binary|armor: the key at URL, refused unless it holds exactly one
                    # primary key and that key has FINGERPRINT ("-": a site's repository whose key is not pinned).
                    fetch_key() {
                      local url=$1 fingerprint=$2 file=$3 form=$4 tmp found
                      tmp=$(mktemp -d)
                      curl -fsSL "$url" -o "$tmp/key"
                      if grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$tmp/key"; then
                        gpg --homedir "$tmp" --batch --quiet --dearmor -o "$tmp/key.gpg" "$tmp/key"
                      else
                        cp "$tmp/key" "$tmp/key.gpg"
                      fi
                      if [ "$fingerprint" != - ]; then
                        found=$(gpg --homedir "$tmp" --batch --with-colons --show-keys "$tmp/key.gpg" 2>/dev/null |
                          awk -F: '$1 == "pub" { want = 1; next } $1 == "fpr" && want { print $10; want = 0 }')
                        if [ "$found" != "$fingerprint" ]; then
                          echo "provision.sh: the key at $url is not the pinned one: expected $fingerprint, found ${found:-no key}" >&2
                          rm -rf "$tmp"
                          exit 1
                        fi
                      fi
                      if [ "$form" = binary ]; then
                        install -m 0644 "$tmp/key.gpg" "$file"
                      else
                        install -m 0644 "$tmp/key" "$file"
                      fi
                      stamp "$file"
                      rm -rf "$tmp"
                    }

                    """);
        }
        if (!apt && plan.steps(Step.AddRepository.class).stream().anyMatch(r -> r.releasePackage() != null)) {
            s.append("""
                    # install_release_package URL: a vendor's repository-defining package, installed only when its
                    # signature verifies with the keys imported before it.
                    install_release_package() {
                      local url=$1 tmp
                      tmp=$(mktemp -d)
                      curl -fsSL "$url" -o "$tmp/release.rpm"
                      if ! rpm -K "$tmp/release.rpm"; then
                        echo "provision.sh: $url is not signed by a pinned key" >&2
                        rm -rf "$tmp"
                        exit 1
                      fi
                      dnf install -y "$tmp/release.rpm"
                      rm -rf "$tmp"
                    }

                    """);
        }
        if (!plan.steps(Step.EnableComponents.class).isEmpty()) {
            s.append("""
                    # enable_components COMPONENT...: adds them to every line of the base image's own apt sources
                    # (one-line and deb822 files) that lacks them; files nodeimage wrote are left alone.
                    enable_components() {
                      local f
                      for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
                        [ -f "$f" ] || continue
                        if head -n 1 "$f" | grep -q '^# Written by nodeimage'; then
                          continue
                        fi
                        awk -v want="$*" '
                          BEGIN { n = split(want, add, " ") }
                          /^deb[ \\t]/ || /^deb-src[ \\t]/ || /^Components:/ {
                            line = $0
                            for (i = 1; i <= n; i++) {
                              found = 0
                              for (j = 2; j <= NF; j++) if ($j == add[i]) found = 1
                              if (!found) line = line " " add[i]
                            }
                            print line
                            next
                          }
                          { print }' "$f" >"$f.nodeimage-tmp"
                        chmod --reference="$f" "$f.nodeimage-tmp"
                        mv -f "$f.nodeimage-tmp" "$f"
                      done
                    }

                    """);
        }
        if (!plan.steps(Step.OpenPort.class).isEmpty()) {
            s.append("""
                    # open_port PORT/PROTOCOL: opened in the firewall the image carries, written offline (firewalld's
                    # firewall-offline-cmd; ufw keeps the rule while it is inactive); an image without one has no
                    # firewall of its own to open.
                    open_port() {
                      if command -v firewall-offline-cmd >/dev/null 2>&1; then
                        firewall-offline-cmd --add-port="$1"
                      elif command -v ufw >/dev/null 2>&1; then
                        ufw allow "$1"
                      else
                        echo "provision.sh: no firewalld or ufw in this image: nothing to open for $1"
                      fi
                    }

                    """);
        }
        if (!plan.steps(Step.SelinuxBoolean.class).isEmpty()) {
            s.append("""
                    # selinux_boolean_on NAME: on in the policy store, persistently, without needing a running
                    # SELinux (an image build has none); an image without an SELinux policy has nothing to set.
                    selinux_boolean_on() {
                      if [ ! -d /etc/selinux/targeted ]; then
                        echo "provision.sh: no SELinux policy in this image: $1 not set"
                      elif command -v semanage >/dev/null 2>&1; then
                        semanage boolean -N -m --on "$1"
                      else
                        setsebool -P -N "$1" on
                      fi
                    }

                    """);
        }
        if (!plan.steps(Step.ModuleSigningKey.class).isEmpty()) {
            s.append("""
                    # make_mok NAME: a machine owner key that DKMS signs the modules it builds with. The private key
                    # is removed when the packages phase ends (and if the script stops before), so no image layer
                    # keeps it; the certificate stays for enrolment (mokutil --import).
                    make_mok() {
                      local name=$1
                      write_file /etc/dkms/framework.conf.d/nodeimage-mok.conf 0644 root root \\
                        "mok_signing_key=%s
                    mok_certificate=%s
                    "
                      if [ -f %s ]; then
                        return 0
                      fi
                      install -d -m 0755 /var/lib/dkms
                      trap 'rm -f %s' EXIT
                      (umask 077 && openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \\
                        -subj "/CN=$name" -addext "basicConstraints=critical,CA:FALSE" \\
                        -addext "extendedKeyUsage=codeSigning,1.3.6.1.4.1.2312.16.1.2" \\
                        -keyout %s -outform DER -out %s)
                      stamp %s
                    }

                    """.formatted(Step.ModuleSigningKey.PRIVATE_KEY, Step.ModuleSigningKey.CERTIFICATE,
                    Step.ModuleSigningKey.CERTIFICATE, Step.ModuleSigningKey.PRIVATE_KEY, Step.ModuleSigningKey.PRIVATE_KEY,
                    Step.ModuleSigningKey.CERTIFICATE, Step.ModuleSigningKey.CERTIFICATE));
        }
    }

}
