package io.nodeimage.inspect;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Packages of an rpm database, as the image's own rpm reports them. The database format (sqlite, ndb,
 * Berkeley DB) differs by release, and only the rpm built with it reads it for certain; so here the
 * image's rpm is the authority, run with no network.
 */
final class RpmPackages {

    /** Where rpm keeps its database: RHEL 10 and Fedora moved it under /usr, leaving a link at /var. */
    static final List<String> DATABASES = List.of("/usr/lib/sysimage/rpm", "/var/lib/rpm");
    private static final List<String> DATABASE_FILES = List.of("rpmdb.sqlite", "Packages", "Packages.db");
    /** Epoch only where set, as rpm -q prints it, so versions compare as rpm compares them. */
    static final String QUERY_FORMAT = "%{NAME}\\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\n";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private RpmPackages() {
    }

    static List<Facts.Package> read(ImageFiles files, List<Facts.Finding> findings) throws IOException {
        Optional<String> database = database(files);
        if (database.isEmpty()) {
            return new ArrayList<>();
        }
        Optional<ImageTools> tools = files.tools();
        if (tools.isEmpty()) {
            return withoutRpm(files, database.get(), findings);
        }
        ImageTools.Run run;
        try {
            run = tools.get().run(List.of("rpm", "--dbpath", database.get(), "-qa", "--qf", QUERY_FORMAT), TIMEOUT);
        } catch (IOException e) {
            findings.add(new Facts.Finding(database.get(), "an rpm database, but rpm could not list it: " + e.getMessage()));
            return new ArrayList<>();
        }
        if (run.exitCode() != 0) {
            findings.add(new Facts.Finding(database.get(), "rpm -qa exited with " + run.exitCode() + ": "
                    + run.stderr().strip()));
            return new ArrayList<>();
        }
        return parse(run.stdout());
    }

    /**
     * The largest rpm SQLite database read (it is read into memory): a full RHEL 9 installation's is a few
     * tens of megabytes.
     */
    private static final int SQLITE_LIMIT = 128 * 1024 * 1024;

    /**
     * Without an engine, nothing of the image runs: the SQLite database (rpm 4.16 and later: RHEL 9, 10,
     * Fedora) is read here, as rpm -qa would list it; Berkeley DB (RHEL 8) and ndb databases are a finding.
     */
    private static List<Facts.Package> withoutRpm(ImageFiles files, String dir, List<Facts.Finding> findings)
            throws IOException {
        String sqlite = dir + "/rpmdb.sqlite";
        if (files.stat(sqlite).filter(e -> e.getSize() > SQLITE_LIMIT).isPresent()) {
            findings.add(new Facts.Finding(sqlite, "an rpm database larger than " + SQLITE_LIMIT + " bytes: not read"));
            return new ArrayList<>();
        }
        Optional<byte[]> bytes = files.read(sqlite, SQLITE_LIMIT);
        if (bytes.isEmpty()) {
            findings.add(new Facts.Finding(dir, "an rpm database that is not SQLite (RHEL 8's Berkeley DB, or ndb): "
                    + "its packages are listed by the image's own rpm, which runs only in an engine"));
            return new ArrayList<>();
        }
        if (files.stat(sqlite + "-wal").filter(e -> e.getSize() > 0).isPresent()) {
            findings.add(new Facts.Finding(sqlite + "-wal", "the rpm database has changes not yet written into it "
                    + "(a write-ahead log): its packages are listed by the image's own rpm, which runs only in an engine"));
            return new ArrayList<>();
        }
        try {
            return sqlite(bytes.get());
        } catch (ModuleFormatException e) {
            findings.add(new Facts.Finding(sqlite, "an rpm database that cannot be read: " + e.getMessage()));
            return new ArrayList<>();
        }
    }

    /** The packages of rpm's SQLite database: the header blob of each row of its Packages table. */
    static List<Facts.Package> sqlite(byte[] database) throws ModuleFormatException {
        List<Facts.Package> out = new ArrayList<>();
        for (List<Object> row : SqliteTable.rows(database, "Packages")) {
            if (row.size() >= 2 && row.get(1) instanceof byte[] blob) {
                try {
                    out.add(RpmHeader.read(blob));
                } catch (RuntimeException e) {
                    // The header blob is untrusted bytes too: a check missed there is a damaged database, not a crash.
                    throw new ModuleFormatException("damaged: a package header: " + e, e);
                }
            }
        }
        return out;
    }

    static List<Facts.Package> parse(String output) {
        List<Facts.Package> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 3 && !f[0].isEmpty()) {
                out.add(new Facts.Package(f[0], f[1], f[2]));
            }
        }
        return out;
    }

    /** The first database directory holding a database file; links are skipped (they show the other). */
    private static Optional<String> database(ImageFiles files) throws IOException {
        for (String dir : DATABASES) {
            if (files.stat(dir).filter(e -> e.isDirectory()).isEmpty()) {
                continue;
            }
            for (String name : DATABASE_FILES) {
                if (files.stat(dir + "/" + name).filter(e -> e.isFile()).isPresent()) {
                    return Optional.of(dir);
                }
            }
        }
        return Optional.empty();
    }
}
