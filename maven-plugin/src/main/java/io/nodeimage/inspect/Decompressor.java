package io.nodeimage.inspect;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Expands a compressed module, never beyond a limit: a file that would grow past it (a decompression
 * bomb, or a module no kernel would load) is an error, not an allocation.
 */
public final class Decompressor {

    /** The largest module nodeimage expands; the largest in Debian's amd64 kernel is about 20 MB. */
    public static final int DEFAULT_LIMIT = 256 * 1024 * 1024;

    private Decompressor() {
    }

    public static byte[] expand(byte[] data, Compression compression, int limit) throws ModuleFormatException {
        if (compression == Compression.NONE) {
            return data;
        }
        if (compression == Compression.ZSTD) {
            // One call when the frame states its size (kmod's and zstd's own output do): about three
            // times faster than streaming in chunks, and the size is checked before anything is allocated.
            long size = com.github.luben.zstd.Zstd.getFrameContentSize(data);
            if (size > limit) {
                throw new ModuleFormatException("expands beyond " + limit + " bytes (zst); not read further");
            }
            if (size > 0) {
                try {
                    return com.github.luben.zstd.Zstd.decompress(data, (int) size);
                } catch (RuntimeException e) {
                    throw new ModuleFormatException("corrupt or truncated zst data: " + e.getMessage(), e);
                }
            }
        }
        try (InputStream in = open(data, compression)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, Math.max(64 * 1024, data.length * 4)));
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new ModuleFormatException("expands beyond " + limit + " bytes (" + compression.yamlName()
                            + "); not read further");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new ModuleFormatException("corrupt or truncated " + compression.yamlName() + " data: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
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
