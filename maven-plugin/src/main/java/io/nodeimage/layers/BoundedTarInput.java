package io.nodeimage.layers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * commons-compress's tar reader with the headers it keeps in memory bounded. It reads a whole PAX
 * header ({@code x}, {@code g}) or GNU long name or link ({@code L}, {@code K}) into memory, and the
 * extension records of an old GNU sparse entry ({@code S}) into a list, before nodeimage sees the entry:
 * a layer from a registry can declare any size there. Every record it reads as a header passes
 * {@link #readRecord()} first, in step with its own parsing (a filter below it could not tell headers
 * from data, which it skips by rules of its own); a header declaring more than the bound is refused
 * there, before a byte of it is read. A PAX 1.0 sparse file's map, which it reads straight from the
 * stream below after the entry's header and lists whole, is bounded the same way by {@link Watch}.
 */
final class BoundedTarInput extends TarArchiveInputStream {

    private static final int RECORD = 512;
    private static final int TYPE = 156;
    private static final int SIZE = 124;
    private static final int SIZE_LENGTH = 12;
    /** Old GNU sparse: the header's and each extension record's "another extension follows" flags. */
    private static final int HEADER_EXTENDED = 482;
    private static final int EXTENSION_EXTENDED = 504;

    private final String shown;
    private final long headerBytes;
    /** The next record is an old GNU sparse extension, not a header. */
    private boolean extension;
    private long extensions;
    /** What the global PAX headers read so far declared: commons-compress merges them into one map kept to the end. */
    private long globalBytes;
    /** An end-of-archive record was read: what follows is padding, never a header. */
    private boolean ended;

    private final Watch watch;

    BoundedTarInput(InputStream in, String shown, long headerBytes) {
        this(new Watch(in, shown, headerBytes), shown, headerBytes);
    }

    private BoundedTarInput(Watch watch, String shown, long headerBytes) {
        super(watch);
        this.watch = watch;
        this.shown = shown;
        this.headerBytes = headerBytes;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        watch.counting = false;
        return super.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        watch.counting = false;
        return super.skip(n);
    }

    @Override
    protected byte[] readRecord() throws IOException {
        watch.counting = false;
        byte[] record = super.readRecord();
        // Until the entry's data is read or skipped, what is read below is what its header brings along.
        watch.count = 0;
        watch.counting = !ended;
        if (record == null || record.length < RECORD || ended) {
            return record;
        }
        if (extension) {
            if (++extensions * RECORD > headerBytes) {
                throw new LayerException(shown + " has a sparse file whose map takes more than " + headerBytes
                        + " bytes; not read");
            }
            extension = record[EXTENSION_EXTENDED] != 0;
            return record;
        }
        if (isEOFRecord(record)) {
            ended = true;
            watch.counting = false;
            return record;
        }
        byte type = record[TYPE];
        if (type == 'S' && record[HEADER_EXTENDED] != 0) {
            extension = true;
            extensions = 0;
        }
        String kind = switch (type) {
            case 'x', 'X' -> "PAX header";
            case 'g' -> "global PAX header";
            case 'L' -> "GNU long name";
            case 'K' -> "GNU long link name";
            default -> null;
        };
        if (kind == null) {
            return record;
        }
        long size;
        try {
            size = TarUtils.parseOctalOrBinary(record, SIZE, SIZE_LENGTH);
        } catch (IllegalArgumentException e) {
            return record; // commons-compress parses the same field next and reports it
        }
        if (size > headerBytes) {
            throw new LayerException(shown + " has a " + kind + " of " + size + " bytes, more than the " + headerBytes
                    + " a tar header may take here; not read");
        }
        if (type == 'g' && (globalBytes += size) > headerBytes) {
            throw new LayerException(shown + " has global PAX headers of more than " + headerBytes
                    + " bytes in all; not read");
        }
        return record;
    }

    /**
     * The stream below the reader: counts what is read from it between a header record and the entry's
     * data, where commons-compress reads a PAX 1.0 sparse map into a list of any length.
     */
    private static final class Watch extends FilterInputStream {
        private final String shown;
        private final long limit;
        boolean counting;
        long count;

        Watch(InputStream in, String shown, long limit) {
            super(in);
            this.shown = shown;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                counted(1);
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws LayerException {
            if (counting && (count += n) > limit) {
                throw new LayerException(shown + " has a sparse file whose map takes more than " + limit
                        + " bytes; not read");
            }
        }
    }
}
