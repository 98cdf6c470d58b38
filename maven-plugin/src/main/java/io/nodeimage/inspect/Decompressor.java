package io.nodeimage.inspect;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Expands a compressed module, never beyond a limit and never allocating more than it: the size the
 * compressed data declares (zstd's frame header, xz's index, gzip's trailer) is checked before anything
 * is allocated, the output array is made that size once, and data that expands past what it declared
 * (or past the limit, when it declares nothing) stops there. A decompression bomb is an error about one
 * file, not an out-of-memory error about the whole image.
 */
public final class Decompressor {

    /**
     * The largest module nodeimage expands: the largest real one seen on a GPU node is NVIDIA's
     * nvidia-uvm.ko, 56 MB; the largest in Debian's amd64 kernel is about 20 MB.
     */
    public static final int DEFAULT_LIMIT = 96 * 1024 * 1024;
    private static final int CHUNK = 1024 * 1024;

    private Decompressor() {
    }

    /**
     * The expanded size the data declares, or -1 when it declares none (a zstd frame written to a pipe).
     * Never more than is worth reading: a size past {@code limit} is returned as it is, for the caller to refuse.
     */
    public static long declaredSize(byte[] data, Compression compression) {
        return switch (compression) {
            case NONE -> data.length;
            case ZSTD -> {
                long size = com.github.luben.zstd.Zstd.getFrameContentSize(data);
                yield size >= 0 ? size : -1;
            }
            case GZIP -> data.length < 18 ? -1 : Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(data, data.length - 4, 4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
            case XZ -> {
                try (org.tukaani.xz.SeekableXZInputStream in = new org.tukaani.xz.SeekableXZInputStream(
                        new Bytes(data), org.tukaani.xz.BasicArrayCache.getInstance())) {
                    yield in.length();
                } catch (IOException | RuntimeException e) {
                    yield -1;
                }
            }
        };
    }

    public static byte[] expand(byte[] data, Compression compression, int limit) throws ModuleFormatException {
        return expand(data, compression, limit, declaredSize(data, compression));
    }

    /** As {@link #expand(byte[], Compression, int)}, with the declared size already read (xz's index is not free). */
    public static byte[] expand(byte[] data, Compression compression, int limit, long declared)
            throws ModuleFormatException {
        if (compression == Compression.NONE) {
            return data;
        }
        if (declared > limit) {
            throw bomb(compression, limit, "declares " + declared + " bytes");
        }
        if (compression == Compression.ZSTD && declared > 0) {
            // One call when the frame states its size (kmod's and zstd's own output do): about three
            // times faster than streaming in chunks.
            try {
                byte[] out = com.github.luben.zstd.Zstd.decompress(data, (int) declared);
                if (out.length != declared) {
                    throw new ModuleFormatException("zst data expands to " + out.length + " bytes, not the " + declared
                            + " its frame declares");
                }
                return out;
            } catch (RuntimeException e) {
                throw new ModuleFormatException("corrupt or truncated zst data: " + e.getMessage(), e);
            }
        }
        // gzip's trailer holds the size modulo 2^32, and several members may follow each other: trusted
        // only as a ceiling within the limit, like an undeclared size.
        long cap = declared >= 0 && compression != Compression.GZIP ? declared : limit;
        try (InputStream in = open(data, compression)) {
            List<byte[]> chunks = new ArrayList<>();
            long total = 0;
            while (true) {
                byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, cap - total + 1))];
                int filled = in.readNBytes(chunk, 0, chunk.length);
                if (filled == 0) {
                    break;
                }
                total += filled;
                if (total > cap) {
                    throw bomb(compression, limit, cap == limit ? "expands past it" : "expands past the " + cap
                            + " bytes it declares");
                }
                chunks.add(filled == chunk.length ? chunk : Arrays.copyOf(chunk, filled));
            }
            // One array of the final size, the chunks released as they are copied: never twice the module.
            byte[] out = new byte[(int) total];
            int at = 0;
            for (int i = 0; i < chunks.size(); i++) {
                byte[] c = chunks.set(i, null);
                System.arraycopy(c, 0, out, at, c.length);
                at += c.length;
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new ModuleFormatException("corrupt or truncated " + compression.yamlName() + " data: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    private static ModuleFormatException bomb(Compression compression, int limit, String what) {
        return new ModuleFormatException("a decompression bomb or no module: the " + compression.yamlName()
                + " data " + what + ", and a module may have at most " + limit + " bytes; not read further");
    }

    /** The bytes as xz's seekable reader wants them: it reads the index at the end first. */
    private static final class Bytes extends org.tukaani.xz.SeekableInputStream {
        private final byte[] data;
        private int pos;

        Bytes(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public long length() {
            return data.length;
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public void seek(long position) {
            pos = (int) Math.min(position, data.length);
        }
    }

    private static InputStream open(byte[] data, Compression compression) throws IOException {
        InputStream raw = new ByteArrayInputStream(data);
        return switch (compression) {
            // Each module would otherwise allocate its own dictionary (1 MiB or more): thousands of them
            // churn a small heap. The cache hands the arrays of finished streams to the next ones.
            case XZ -> new XZInputStream(raw, -1, true, org.tukaani.xz.BasicArrayCache.getInstance());
            case ZSTD -> new ZstdInputStream(raw);
            case GZIP -> new GZIPInputStream(raw);
            case NONE -> raw;
        };
    }
}
