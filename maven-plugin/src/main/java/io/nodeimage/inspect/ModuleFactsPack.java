package io.nodeimage.inspect;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One file of the module facts cache: module facts by the digest of the module's bytes, each with when a
 * run last used it. A CRC-32 at the end covers everything before it, so a truncated or damaged file is
 * recognised and read as empty instead of giving wrong facts.
 */
final class ModuleFactsPack {

    /** Changes whenever what is stored, or how it is read from a module, changes: older files are not read. */
    static final int FORMAT = 1;
    private static final int MAGIC = 0x4E494D46; // "NIMF"
    /** More entries than any file this code writes: a count past it is damage. */
    static final int MAX_ENTRIES = 16_384;

    /** SHA-256 as four longs: cheap to hash and compare as a map key. */
    record Digest(long a, long b, long c, long d) {
        static Digest of(byte[] sha256) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(sha256);
            return new Digest(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        }
    }

    /** @param used when a run last used the entry, in milliseconds since the epoch */
    record Stored(ModuleFacts facts, long used) {
    }

    private ModuleFactsPack() {
    }

    /** The file's entries; empty when it is absent, of another format, truncated or damaged. */
    static Map<Digest, Stored> read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 20) {
                return new HashMap<>();
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bytes.length - 8);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            in.skipNBytes(bytes.length - 8);
            if (in.readLong() != crc.getValue()) {
                return new HashMap<>();
            }
            in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 8));
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                return new HashMap<>();
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                return new HashMap<>();
            }
            Map<Digest, Stored> out = new HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                Digest d = new Digest(in.readLong(), in.readLong(), in.readLong(), in.readLong());
                long used = in.readLong();
                out.put(d, new Stored(readFacts(in), used));
            }
            return in.available() == 0 ? out : new HashMap<>();
        } catch (IOException | RuntimeException e) {
            // Absent, unreadable or damaged: a cache is only ever a shortcut.
            return new HashMap<>();
        }
    }

    static byte[] write(Map<Digest, Stored> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 400 + 64);
        try {
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(entries.size());
            for (Map.Entry<Digest, Stored> e : entries.entrySet()) {
                Digest d = e.getKey();
                out.writeLong(d.a());
                out.writeLong(d.b());
                out.writeLong(d.c());
                out.writeLong(d.d());
                out.writeLong(e.getValue().used());
                writeFacts(out, e.getValue().facts());
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    private static void writeFacts(DataOutputStream out, ModuleFacts f) throws IOException {
        writeText(out, f.name());
        writeText(out, f.version());
        writeText(out, f.license());
        writeText(out, f.vermagic());
        writeText(out, f.srcversion());
        writeList(out, f.depends());
        writeList(out, f.firmware());
        out.writeBoolean(f.signature().isPresent());
        if (f.signature().isPresent()) {
            ModuleSignature s = f.signature().get();
            writeText(out, s.signer());
            writeText(out, s.keyId());
            writeText(out, s.hashAlgorithm());
            ModuleSignature.Verification v = s.verification();
            out.writeBoolean(v != null);
            if (v != null) {
                writeText(out, v.status().name());
                writeText(out, v.certificate());
                writeText(out, v.subject());
            }
        }
    }

    private static ModuleFacts readFacts(DataInputStream in) throws IOException {
        String name = readText(in);
        String version = readText(in);
        String license = readText(in);
        String vermagic = readText(in);
        String srcversion = readText(in);
        List<String> depends = readList(in);
        List<String> firmware = readList(in);
        Optional<ModuleSignature> signature = Optional.empty();
        if (in.readBoolean()) {
            String signer = readText(in);
            String keyId = readText(in);
            String hash = readText(in);
            ModuleSignature.Verification v = null;
            if (in.readBoolean()) {
                v = new ModuleSignature.Verification(ModuleSignature.Status.valueOf(readText(in)), readText(in),
                        readText(in));
            }
            signature = Optional.of(new ModuleSignature(signer, keyId, hash, v));
        }
        return new ModuleFacts(name, version, license, vermagic, srcversion, depends, firmware, signature);
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("text of " + length + " bytes past the end");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            writeText(out, s);
        }
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int size = in.readInt();
        // Each element takes at least its 4-byte length.
        if (size < 0 || size > in.available() / 4) {
            throw new IOException("list of " + size + " past the end");
        }
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String s = readText(in);
            if (s == null) {
                throw new IOException("null in a list");
            }
            out.add(s);
        }
        return out;
    }
}
