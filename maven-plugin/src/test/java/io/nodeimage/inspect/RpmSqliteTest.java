package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nodeimage.support.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rpm's SQLite database read without rpm, against the real rpm as the oracle: a database it made, with
 * packages whose headers spill onto overflow pages and enough of them for interior b-tree pages, lists
 * the same packages as {@code rpm -qa} with nodeimage's query format.
 */
class RpmSqliteTest {

    @TempDir
    Path dir;

    @Test
    void listsWhatRpmListsFromItsOwnDatabase() throws Exception {
        ExternalTool.require("rpm");
        ExternalTool.require("rpmbuild");
        StringBuilder spec = new StringBuilder("Name: probe\nVersion: 1.2\nRelease: 3\nEpoch: 2\nSummary: probe\n"
                + "License: MIT\nBuildArch: noarch\n%description\nprobe\n%files\n");
        for (int i = 0; i < 60; i++) {
            // Descriptions long enough that a header does not fit on a 4 KiB page.
            spec.append("%package sub").append(i).append("\nSummary: sub ").append(i).append("\nVersion: 0.").append(i)
                    .append("\n%description sub").append(i).append('\n').append(("line " + i + " of a long text. ").repeat(i * 20 + 1))
                    .append("\n%files sub").append(i).append('\n');
        }
        Files.createDirectories(dir.resolve("SPECS"));
        Files.writeString(dir.resolve("SPECS/probe.spec"), spec.toString());
        run("rpmbuild", "--define", "_topdir " + dir, "-bb", dir.resolve("SPECS/probe.spec").toString());
        Path db = Files.createDirectories(dir.resolve("db"));
        run("rpm", "--dbpath", db.toString(), "--define", "_db_backend sqlite", "--initdb");
        List<String> install = new ArrayList<>(List.of("rpm", "--dbpath", db.toString(), "-i", "--justdb", "--nodeps", "--noscripts"));
        try (var rpms = Files.list(dir.resolve("RPMS/noarch"))) {
            rpms.forEach(p -> install.add(p.toString()));
        }
        run(install.toArray(String[]::new));
        ExternalTool.Result listed = ExternalTool.run(dir, "rpm", "--dbpath", db.toString(), "-qa", "--qf", RpmPackages.QUERY_FORMAT);
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        // Checkpointed, as rpm leaves it when it closes the database.
        assertThat(db.resolve("rpmdb.sqlite-wal")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(Files.size(p)).isZero());

        Comparator<Facts.Package> order = Comparator.comparing(Facts.Package::name);
        List<Facts.Package> expected = new ArrayList<>(RpmPackages.parse(listed.output()));
        List<Facts.Package> read = new ArrayList<>(RpmPackages.sqlite(Files.readAllBytes(db.resolve("rpmdb.sqlite"))));
        expected.sort(order);
        read.sort(order);
        assertThat(read).hasSize(61).isEqualTo(expected);
        assertThat(read).contains(new Facts.Package("probe", "2:1.2-3", "noarch"), new Facts.Package("probe-sub59", "2:0.59-3", "noarch"));

        byte[] damaged = Files.readAllBytes(db.resolve("rpmdb.sqlite"));
        java.util.Arrays.fill(damaged, 4096, damaged.length, (byte) 0xff);
        assertThatThrownBy(() -> RpmPackages.sqlite(damaged)).isInstanceOf(ModuleFormatException.class);
        assertThatThrownBy(() -> RpmPackages.sqlite(new byte[600])).isInstanceOf(ModuleFormatException.class)
                .hasMessage("not an SQLite 3 database");
    }

    private void run(String... command) throws Exception {
        ExternalTool.Result r = ExternalTool.run(dir, command);
        assertThat(r.exitCode()).as(String.join(" ", command) + ": " + r.output()).isZero();
    }
}
