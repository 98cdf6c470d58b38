package io.nodeimage.render;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Step;

/**
 * The shell functions provision.sh defines for the steps that need more than one command: a pinned
 * repository key, a vendor's release package, the base image's repositories set aside for a site archive
 * mirror, components of the base image's own archive, a port in the firewall, an SELinux boolean, the
 * machine owner key for DKMS. Each takes its values as arguments, so
 * every call site quotes them through {@link Quoting}; none is emitted for a plan that does not call it.
 * (The plugin descriptor's Java parser, qdox 2.2, fails on a text-block line with an apostrophe inside a
 * double-quoted string: the messages here are worded without one.)
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
                    # What is installed is gpg's export of that key from a keyring of its own, never the file as
                    # served, so nothing the check did not see (another armor block, trailing data) gets in.
                    fetch_key() {
                      local url=$1 fingerprint=$2 file=$3 form=$4 tmp found
                      tmp=$(mktemp -d)
                      curl -fsSL "$url" -o "$tmp/key"
                      gpg --homedir "$tmp" --batch --quiet --import "$tmp/key"
                      found=$(gpg --homedir "$tmp" --batch --with-colons --list-keys 2>/dev/null |
                        awk -F: '$1 == "pub" { want = 1; next } $1 == "fpr" && want { print $10; want = 0 }')
                      if [ "$fingerprint" != - ] && [ "$found" != "$fingerprint" ]; then
                        echo "provision.sh: the key at $url is not the pinned one: expected $fingerprint, found ${found:-no key}" >&2
                        rm -rf "$tmp"
                        exit 1
                      fi
                      if [ "$form" = binary ]; then
                        gpg --homedir "$tmp" --batch --export >"$tmp/export"
                      else
                        gpg --homedir "$tmp" --batch --armor --export >"$tmp/export"
                      fi
                      install -m 0644 "$tmp/export" "$file"
                      stamp "$file"
                      rm -rf "$tmp"
                    }

                    """);
        }
        if (!apt && plan.steps(Step.AddRepository.class).stream().anyMatch(r -> r.releasePackage() != null)) {
            s.append("""
                    # install_release_package URL FINGERPRINT: a vendor's repository-defining package, installed only
                    # when rpm verifies its header signature with the key of FINGERPRINT (imported before it): an
                    # unsigned package, or one signed by any other key rpm knows, is refused.
                    install_release_package() {
                      local url=$1 fingerprint=$2 tmp keyid
                      tmp=$(mktemp -d)
                      curl -fsSL "$url" -o "$tmp/release.rpm"
                      keyid=${fingerprint: -8}
                      keyid=${keyid,,}
                      if ! rpm -Kv "$tmp/release.rpm" | grep -q "Header V[0-9] .*key ID $keyid: OK"; then
                        echo "provision.sh: $url is not signed by the pinned key $fingerprint" >&2
                        rm -rf "$tmp"
                        exit 1
                      fi
                      dnf install -y "$tmp/release.rpm"
                      rm -rf "$tmp"
                    }

                    """);
        }
        if (!apt && plan.archive().isPresent()) {
            s.append("""
                    # set_aside_base_repositories: the repository files of the base image (ubi.repo, redhat.repo, ...)
                    # renamed *.repo.nodeimage-off, so dnf reads the site archive mirror instead, and the dnf plugin of
                    # subscription-manager turned off, which would write the Red Hat CDN repositories back (redhat.repo)
                    # at each run. Run once, before nodeimage writes any repository file.
                    set_aside_base_repositories() {
                      local f
                      for f in /etc/yum.repos.d/*.repo; do
                        [ -e "$f" ] || continue
                        mv -f "$f" "$f.nodeimage-off"
                      done
                      if [ -f /etc/dnf/plugins/subscription-manager.conf ]; then
                        sed -i 's/^enabled[[:space:]]*=.*/enabled=0/' /etc/dnf/plugins/subscription-manager.conf
                      fi
                    }

                    """);
        }
        if (!plan.steps(Step.EnableComponents.class).isEmpty()) {
            s.append("""
                    # enable_components COMPONENT...: adds them to the lines of the base image's own apt sources
                    # (/etc/apt/sources.list, debian.sources, ubuntu.sources) that lack them; a flat repository
                    # ("... /") and every other file are left alone.
                    enable_components() {
                      local f
                      for f in /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/ubuntu.sources; do
                        [ -f "$f" ] || continue
                        awk -v want="$*" '
                          BEGIN { n = split(want, add, " ") }
                          ((/^deb[ \\t]/ || /^deb-src[ \\t]/) && substr($NF, length($NF)) != "/") || /^Components:/ {
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
                    # lives under /run (a tmpfs on a booted system, so no disk block keeps it) and is removed when
                    # the packages phase ends, or the script stops before: no image layer keeps it. The certificate
                    # stays for enrolment (mokutil --import). A second run finds the certificate without its key:
                    # modules built then could not be signed with the key nodes enrolled, so it stops instead
                    # (unless the modules were built before, in an image-mode builder stage: NODEIMAGE_MODULES_PREBUILT).
                    make_mok() {
                      local name=$1
                      write_file /etc/dkms/framework.conf.d/nodeimage-mok.conf 0644 root root \\
                        "mok_signing_key=%1$s
                    mok_certificate=%2$s
                    "
                      if [ -f %2$s ] && [ -f %1$s ]; then
                        return 0
                      fi
                      if [ -f %2$s ] && [ -n "${NODEIMAGE_MODULES_PREBUILT:-}" ]; then
                        return 0
                      fi
                      if [ -f %2$s ]; then
                        echo "provision.sh: the machine owner key certificate %2$s is here without its private key, removed after the first run; build the image again from its base to sign new modules" >&2
                        exit 1
                      fi
                      install -d -m 0700 "$(dirname %1$s)"
                      install -d -m 0755 "$(dirname %2$s)"
                      trap 'rm -f %1$s' EXIT
                      (umask 077 && openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 36500 \\
                        -subj "/CN=$name" -addext "basicConstraints=critical,CA:FALSE" \\
                        -addext "extendedKeyUsage=codeSigning,1.3.6.1.4.1.2312.16.1.2" \\
                        -keyout %1$s -outform DER -out %2$s)
                      chmod 0644 %2$s
                      stamp %2$s
                    }

                    """.formatted(Step.ModuleSigningKey.PRIVATE_KEY, Step.ModuleSigningKey.CERTIFICATE));
        }
    }

}
