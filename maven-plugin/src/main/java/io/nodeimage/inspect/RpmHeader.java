package io.nodeimage.inspect;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A package's name, epoch, version, release and architecture from an rpm header as rpm's database
 * keeps it (rpm's lib/header.c: the index count and data length, then 16-byte index entries of tag,
 * type, offset and count, then the data), printed as nodeimage's rpm query prints them.
 */
final class RpmHeader {

    private static final int NAME = 1000;
    private static final int VERSION = 1001;
    private static final int RELEASE = 1002;
    private static final int EPOCH = 1003;
    private static final int ARCH = 1022;
    private static final int TYPE_INT32 = 4;
    private static final int TYPE_STRING = 6;

    private RpmHeader() {
    }

    static Facts.Package read(byte[] blob) throws ModuleFormatException {
        ByteBuffer b = ByteBuffer.wrap(blob);
        if (blob.length < 8) {
            throw new ModuleFormatException("a header of " + blob.length + " bytes");
        }
        long entries = Integer.toUnsignedLong(b.getInt(0));
        long dataLength = Integer.toUnsignedLong(b.getInt(4));
        long data = 8 + entries * 16;
        if (entries > 65536 || data + dataLength > blob.length) {
            throw new ModuleFormatException("a header whose index runs past its bytes");
        }
        String name = null;
        String version = null;
        String release = null;
        String arch = null;
        Long epoch = null;
        for (int i = 0; i < entries; i++) {
            int at = 8 + i * 16;
            int tag = b.getInt(at);
            int type = b.getInt(at + 4);
            long offset = Integer.toUnsignedLong(b.getInt(at + 8));
            if (offset >= dataLength) {
                continue;
            }
            int start = (int) (data + offset);
            if (type == TYPE_STRING && (tag == NAME || tag == VERSION || tag == RELEASE || tag == ARCH)) {
                int end = start;
                while (end < data + dataLength && blob[end] != 0) {
                    end++;
                }
                String value = new String(blob, start, end - start, StandardCharsets.UTF_8);
                switch (tag) {
                    case NAME -> name = value;
                    case VERSION -> version = value;
                    case RELEASE -> release = value;
                    default -> arch = value;
                }
            } else if (tag == EPOCH && type == TYPE_INT32 && start + 4 <= data + dataLength) {
                epoch = Integer.toUnsignedLong(b.getInt(start));
            }
        }
        if (name == null || version == null || release == null) {
            throw new ModuleFormatException("a header without name, version or release");
        }
        return new Facts.Package(name, (epoch == null ? "" : epoch + ":") + version + "-" + release,
                arch == null ? "(none)" : arch);
    }
}
