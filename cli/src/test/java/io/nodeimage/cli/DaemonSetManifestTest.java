package io.nodeimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docs/fleet/nodeimage-daemonset.yaml: what it mounts, what it may do, and what it runs. */
class DaemonSetManifestTest {

    static Map<String, Object> manifest;
    static Map<String, Object> pod;
    static Map<String, Object> container;

    @BeforeAll
    static void read() throws IOException {
        String text = Files.readString(RepositoryFiles.root().resolve("docs/fleet/nodeimage-daemonset.yaml"));
        manifest = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
        pod = map(map(map(manifest.get("spec")).get("template")).get("spec"));
        List<Object> containers = list(pod.get("containers"));
        assertThat(containers).hasSize(1);
        container = map(containers.get(0));
    }

    @Test
    void isADaemonSetOnGpuNodes() {
        assertThat(manifest).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "DaemonSet");
        assertThat(map(pod.get("nodeSelector"))).containsEntry("nvidia.com/gpu.present", "true");
    }

    @Test
    void mountsTheNodesFoldersReadOnlyUnderHost() {
        Map<String, String> hostPaths = list(pod.get("volumes")).stream().map(DaemonSetManifestTest::map)
                .filter(v -> v.containsKey("hostPath"))
                .collect(Collectors.toMap(v -> (String) v.get("name"), v -> (String) map(v.get("hostPath")).get("path")));
        List<Map<String, Object>> mounts = list(container.get("volumeMounts")).stream().map(DaemonSetManifestTest::map).toList();
        List<Map<String, Object>> underHost = mounts.stream()
                .filter(m -> ((String) m.get("mountPath")).startsWith("/host")).toList();

        assertThat(underHost).extracting(m -> m.get("mountPath"))
                .containsExactlyInAnyOrder("/host/proc", "/host/sys", "/host/etc", "/host/lib/modules", "/host/boot", "/host/usr");
        for (Map<String, Object> m : underHost) {
            assertThat(m.get("readOnly")).as(m.toString()).isEqualTo(true);
            String path = hostPaths.get((String) m.get("name"));
            assertThat("/host" + path).as("the hostPath behind " + m.get("mountPath")).isEqualTo(m.get("mountPath"));
        }
        // Only the report folder and the JVM's scratch space may be written.
        assertThat(mounts).filteredOn(m -> !Boolean.TRUE.equals(m.get("readOnly")))
                .extracting(m -> m.get("mountPath")).containsExactlyInAnyOrder("/reports", "/tmp");
        assertThat(hostPaths).containsEntry("reports", "/var/lib/nodeimage/reports").hasSize(7);
    }

    @Test
    void hasNoPrivilegesBeyondReading() {
        Map<String, Object> security = map(container.get("securityContext"));

        assertThat(security).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("privileged", false);
        assertThat(map(security.get("capabilities")).get("drop")).isEqualTo(List.of("ALL"));
        assertThat(map(security.get("capabilities"))).doesNotContainKey("add");
        for (String hostNamespace : List.of("hostPID", "hostNetwork", "hostIPC")) {
            assertThat(pod.getOrDefault(hostNamespace, false)).as(hostNamespace).isEqualTo(false);
        }
        assertThat(pod).containsEntry("automountServiceAccountToken", false);
    }

    @Test
    void runsVerifyHostOnTheMountedRoot() {
        String script = String.join("\n", list(container.get("args")).stream().map(String::valueOf).toList());

        assertThat(script).containsPattern(
                "java [^\\n]*-jar /opt/nodeimage/nodeimage-cli\\.jar verify-host --root /host --policies /etc/nodeimage/policies "
                        + "--out \"/reports/\\$NODE_NAME\"");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
