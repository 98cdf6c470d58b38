package io.nodeimage.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Damaged and hostile SQLite files, laid out byte by byte as sqlite.org/fileformat.html describes them:
 * 512-byte pages, the schema on page 1 naming a table whose leaf (page 2) holds rows of one blob column,
 * each 547 bytes, 39 on the page and 508 on an overflow page. Each is a ModuleFormatException (which
 * the rpm reader makes a finding), never a runtime exception, and never more row bytes than the file has.
 */
class SqliteTableTest {

    private static final int PAGE = 512;
    private static final int ROW = 547;
    private static final int LOCAL = 39;

    @Test
    void readsTheRowsOfAWellFormedFile() throws Exception {
        byte[] db = database(2, false);
        List<List<Object>> rows = SqliteTable.rows(db, "Packages");
        assertThat(rows).hasSize(2);
        assertThat((byte[]) rows.get(1).get(0)).hasSize(ROW - 3).containsOnly((byte) 2);
    }

    @Test
    void cellsReadTwiceAreRefused() {
        // Ten cell pointers at one cell: before, ten copies of its row (and of its overflow chain).
        byte[] db = database(2, false);
        ByteBuffer b = ByteBuffer.wrap(db);
        int leaf = PAGE;
        b.putShort(leaf + 3, (short) 10);
        for (int i = 0; i < 10; i++) {
            b.putShort(leaf + 8 + 2 * i, b.getShort(leaf + 8));
        }
        assertThatThrownBy(() -> SqliteTable.rows(db, "Packages")).isInstanceOf(ModuleFormatException.class)
                .hasMessageContaining("points at the cell at offset").hasMessageContaining("twice");
    }

    @Test
    void overflowPagesSharedByCellsAreRefusedPastTheFilesSize() {
        // Eight distinct cells whose overflow pointers all name page 3: 4376 row bytes from a file of 1536.
        byte[] db = database(8, true);
        assertThat(db).hasSize(3 * PAGE);
        assertThatThrownBy(() -> SqliteTable.rows(db, "Packages")).isInstanceOf(ModuleFormatException.class)
                .hasMessage("its rows claim more bytes than the file's 1536: cells or overflow pages are read more than once");
    }

    @Test
    void damagedFilesAreFormatErrorsNotRuntimeExceptions() {
        byte[] good = database(2, false);
        // Truncated before the overflow pages.
        assertThatThrownBy(() -> SqliteTable.rows(Arrays.copyOf(good, 2 * PAGE), "Packages"))
                .isInstanceOf(ModuleFormatException.class).hasMessageContaining("outside the file");
        // A cell pointer past the page's end and the file's.
        byte[] pointer = good.clone();
        ByteBuffer.wrap(pointer).putShort(PAGE + 8, (short) 0xfff0);
        assertThatThrownBy(() -> SqliteTable.rows(pointer, "Packages")).isInstanceOf(ModuleFormatException.class)
                .hasMessageContaining("outside the file");
        // A cell count whose pointer array runs past the file.
        byte[] count = good.clone();
        ByteBuffer.wrap(count).putShort(2 * PAGE - PAGE + 3, (short) 0xffff);
        assertThatThrownBy(() -> SqliteTable.rows(count, "Packages")).isInstanceOf(ModuleFormatException.class);
        // A serial type of 2^32 + 12: a blob of 2^31 bytes, a negative int (before: an IllegalArgumentException).
        byte[] serial = good.clone();
        int record = cellStart(serial, 0) + 3;
        byte[] huge = varint((1L << 32) + 12);
        assertThat(huge.length).isLessThanOrEqualTo(LOCAL - 1);
        serial[record] = (byte) (1 + huge.length);
        System.arraycopy(huge, 0, serial, record + 1, huge.length);
        assertThatThrownBy(() -> SqliteTable.rows(serial, "Packages")).isInstanceOf(ModuleFormatException.class)
                .hasMessage("a record runs past its payload");
        // Every byte after the schema page 0xff: whatever breaks, a format error.
        byte[] noise = good.clone();
        Arrays.fill(noise, PAGE, noise.length, (byte) 0xff);
        assertThatThrownBy(() -> RpmPackages.sqlite(noise)).isInstanceOf(ModuleFormatException.class);
    }

    /** The schema page, a leaf of {@code rows} cells, and their overflow pages (one shared page when {@code shared}). */
    private static byte[] database(int rows, boolean shared) {
        int overflowPages = shared ? 1 : rows;
        byte[] db = new byte[(2 + overflowPages) * PAGE];
        ByteBuffer b = ByteBuffer.wrap(db);
        b.put(0, "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII));
        b.putShort(16, (short) PAGE);
        // Schema row: type, name, tbl_name, rootpage 2, sql ''.
        byte[] schema = concat(new byte[] {6, 23, 29, 29, 1, 13}, bytes("table"), bytes("Packages"), bytes("Packages"),
                new byte[] {2});
        byte[] cell = concat(new byte[] {(byte) schema.length, 1}, schema);
        int at = PAGE - cell.length;
        b.put(at, cell);
        leafHeader(b, 100, 1, at);
        b.putShort(108, (short) at);
        // Leaf page 2: each cell its payload size, rowid, 39 local bytes (record header + blob start), overflow page.
        int base = PAGE;
        int content = 2 * PAGE;
        byte[] blobType = varint(12 + 2L * (ROW - 3));
        for (int i = 0; i < rows; i++) {
            byte[] local = new byte[LOCAL];
            Arrays.fill(local, (byte) (i + 1));
            local[0] = 3;
            System.arraycopy(blobType, 0, local, 1, 2);
            int overflow = 3 + (shared ? 0 : i);
            byte[] c = concat(varint(ROW), varint(i + 1), local, ByteBuffer.allocate(4).putInt(overflow).array());
            content -= c.length;
            b.put(content, c);
            b.putShort(base + 8 + 2 * i, (short) (content - base));
            byte[] rest = new byte[ROW - LOCAL];
            Arrays.fill(rest, (byte) (i + 1));
            b.put((overflow - 1) * PAGE + 4, rest);
        }
        leafHeader(b, base, rows, content - base);
        return db;
    }

    private static int cellStart(byte[] db, int i) {
        return PAGE + (ByteBuffer.wrap(db).getShort(PAGE + 8 + 2 * i) & 0xffff);
    }

    private static void leafHeader(ByteBuffer b, int at, int cells, int content) {
        b.put(at, (byte) 0x0d);
        b.putShort(at + 3, (short) cells);
        b.putShort(at + 5, (short) content);
    }

    private static byte[] varint(long v) {
        if (v < 0x80) {
            return new byte[] {(byte) v};
        }
        byte[] out = new byte[9];
        int n = 0;
        for (long x = v; x != 0; x >>>= 7) {
            n++;
        }
        out = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            out[i] = (byte) ((v & 0x7f) | (i == n - 1 ? 0 : 0x80));
            v >>>= 7;
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
