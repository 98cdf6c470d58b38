package io.nodeimage.inspect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rows of one table of an SQLite database file, read from its bytes as the file format
 * (sqlite.org/fileformat.html) lays them out: the schema table on page 1 names the table's root page,
 * its b-tree is walked, and each row's record decoded, overflow pages followed. Read only, and only
 * what is committed to the main file (a write-ahead log beside it is the caller's to refuse). Every
 * page number, offset and length is checked: a damaged file is an exception, never a loop or a read
 * outside the file.
 */
final class SqliteTable {

    private final ByteBuffer file;
    private final int pageSize;
    private final int usable;
    private final int pages;
    /** Payload bytes a walk may still read: rows are in the file, so more than its size means cells or overflow pages are read twice. */
    private long budget;

    private SqliteTable(byte[] bytes) throws ModuleFormatException {
        if (bytes.length < 512 || !new String(bytes, 0, 16, StandardCharsets.US_ASCII).equals("SQLite format 3\0")) {
            throw new ModuleFormatException("not an SQLite 3 database");
        }
        this.file = ByteBuffer.wrap(bytes);
        int size = file.getShort(16) & 0xffff;
        this.pageSize = size == 1 ? 65536 : size;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0) {
            throw new ModuleFormatException("its page size " + pageSize + " is not one SQLite writes");
        }
        this.usable = pageSize - (bytes[20] & 0xff);
        this.pages = bytes.length / pageSize;
    }

    /** Every row of {@code table}, each as its columns' values (null, Long, Double, String or byte[]). */
    static List<List<Object>> rows(byte[] database, String table) throws ModuleFormatException {
        try {
            return read(database, table);
        } catch (RuntimeException e) {
            // A check missed above must not escape as a stack trace: the file is untrusted input.
            throw new ModuleFormatException("damaged: " + e, e);
        }
    }

    private static List<List<Object>> read(byte[] database, String table) throws ModuleFormatException {
        SqliteTable db = new SqliteTable(database);
        long root = -1;
        for (List<Object> schema : db.walk(1)) {
            if (schema.size() >= 4 && "table".equals(schema.get(0)) && table.equals(schema.get(1)) && schema.get(3) instanceof Long page) {
                root = page;
            }
        }
        if (root < 1) {
            throw new ModuleFormatException("it has no table " + table);
        }
        return db.walk(root);
    }

    private List<List<Object>> walk(long root) throws ModuleFormatException {
        List<List<Object>> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        Set<Integer> cellsSeen = new HashSet<>();
        budget = file.capacity();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            long page = todo.remove(todo.size() - 1);
            if (page < 1 || page > pages || !seen.add(page)) {
                throw new ModuleFormatException("its b-tree names page " + page + " twice or outside the file");
            }
            int base = (int) ((page - 1) * pageSize);
            int header = page == 1 ? base + 100 : base;
            int type = file.get(header) & 0xff;
            int cells = file.getShort(header + 3) & 0xffff;
            boolean interior = type == 0x05;
            if (type != 0x05 && type != 0x0d) {
                throw new ModuleFormatException("page " + page + " is not a table b-tree page");
            }
            int pointers = header + (interior ? 12 : 8);
            check(pointers, 2 * cells);
            List<Long> children = new ArrayList<>();
            for (int i = 0; i < cells; i++) {
                int cell = base + (file.getShort(pointers + 2 * i) & 0xffff);
                check(cell, 4);
                if (!cellsSeen.add(cell)) {
                    throw new ModuleFormatException("page " + page + " points at the cell at offset " + cell + " twice");
                }
                if (interior) {
                    children.add(Integer.toUnsignedLong(file.getInt(cell)));
                } else {
                    out.add(record(cell));
                }
            }
            if (interior) {
                children.add(Integer.toUnsignedLong(file.getInt(header + 8)));
                // Children in key order: pushed reversed, so they are walked from the first.
                for (int i = children.size() - 1; i >= 0; i--) {
                    todo.add(children.get(i));
                }
            }
        }
        return out;
    }

    private List<Object> record(int cell) throws ModuleFormatException {
        long[] at = {cell};
        long size = varint(at);
        varint(at);
        byte[] payload = payload((int) at[0], size);
        ByteBuffer p = ByteBuffer.wrap(payload);
        long[] pos = {0};
        long headerSize = varint(p, pos);
        List<Long> types = new ArrayList<>();
        while (pos[0] < headerSize) {
            types.add(varint(p, pos));
        }
        List<Object> values = new ArrayList<>();
        long offset = headerSize;
        for (long t : types) {
            long claimed = t >= 12 ? (t - (t % 2 == 0 ? 12 : 13)) / 2 : t == 0 || t == 8 || t == 9 ? 0
                    : t <= 4 ? t : t == 5 ? 6 : 8;
            if (t < 0 || t == 10 || t == 11 || claimed > payload.length - offset) {
                throw new ModuleFormatException("a record runs past its payload");
            }
            int length = (int) claimed;
            int o = (int) offset;
            if (t == 0) {
                values.add(null);
            } else if (t == 8 || t == 9) {
                values.add(t - 8);
            } else if (t <= 6) {
                long v = payload[o];
                for (int i = 1; i < length; i++) {
                    v = (v << 8) | (payload[o + i] & 0xff);
                }
                values.add(v);
            } else if (t == 7) {
                values.add(p.getDouble(o));
            } else if (t % 2 == 0) {
                values.add(java.util.Arrays.copyOfRange(payload, o, o + length));
            } else {
                values.add(new String(payload, o, length, StandardCharsets.UTF_8));
            }
            offset += length;
        }
        return values;
    }

    /** A cell's payload, what does not fit on its page read from the chain of overflow pages. */
    private byte[] payload(int start, long size) throws ModuleFormatException {
        if (size < 0 || size > file.capacity()) {
            throw new ModuleFormatException("a record claims " + size + " bytes");
        }
        if (size > budget) {
            throw new ModuleFormatException("its rows claim more bytes than the file's " + file.capacity()
                    + ": cells or overflow pages are read more than once");
        }
        budget -= size;
        int max = usable - 35;
        int local;
        if (size <= max) {
            local = (int) size;
        } else {
            int min = (usable - 12) * 32 / 255 - 23;
            int k = (int) (min + (size - min) % (usable - 4));
            local = k <= max ? k : min;
        }
        byte[] out = new byte[(int) size];
        check(start, local);
        file.get(start, out, 0, local);
        int done = local;
        long next = local < size ? Integer.toUnsignedLong(file.getInt(start + local)) : 0;
        Set<Long> seen = new HashSet<>();
        while (done < size) {
            if (next < 1 || next > pages || !seen.add(next)) {
                throw new ModuleFormatException("an overflow chain names page " + next + " twice or outside the file");
            }
            int base = (int) ((next - 1) * pageSize);
            check(base, usable);
            int n = (int) Math.min(usable - 4, size - done);
            file.get(base + 4, out, done, n);
            done += n;
            next = Integer.toUnsignedLong(file.getInt(base));
        }
        return out;
    }

    private void check(long offset, int length) throws ModuleFormatException {
        if (offset < 0 || offset + length > file.capacity()) {
            throw new ModuleFormatException("an offset points outside the file");
        }
    }

    private long varint(long[] at) throws ModuleFormatException {
        return varint(file, at);
    }

    /** SQLite's big-endian varint: 1 to 9 bytes, the ninth taking all eight bits. */
    private static long varint(ByteBuffer b, long[] at) throws ModuleFormatException {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            if (at[0] >= b.capacity()) {
                throw new ModuleFormatException("a number runs past the end");
            }
            int c = b.get((int) at[0]++) & 0xff;
            if (i == 8) {
                return (v << 8) | c;
            }
            v = (v << 7) | (c & 0x7f);
            if ((c & 0x80) == 0) {
                return v;
            }
        }
        return v;
    }
}
