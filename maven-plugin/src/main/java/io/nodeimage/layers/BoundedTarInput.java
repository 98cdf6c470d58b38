package io.nodeimage.layers;

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
 * there, before a byte of it is read.
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
    /** An end-of-archive record was read: what follows is padding, never a header. */
    private boolean ended;

    BoundedTarInput(InputStream in, String shown, long headerBytes) {
        super(in);
        this.shown = shown;
        this.headerBytes = headerBytes;
    }

    @Override
    protected byte[] readRecord() throws IOException {
        byte[] record = super.readRecord();
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
        return record;
    }
}
