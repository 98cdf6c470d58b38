package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file content inspect keeps from layers, in one temporary file beside the process rather than in
 * memory: appended as layers stream by, read back at its place, deleted when closed (or when the process
 * ends). Bounded in all.
 */
final class Spool implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final long limit;

    Spool(long limit) throws IOException {
        this.limit = limit;
        this.file = Files.createTempFile("nodeimage-layers-", ".spool");
        file.toFile().deleteOnExit();
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
    }

    /**
     * Copies the next {@code size} bytes of {@code in} to the end; returns where they start.
     *
     * @param shown what the bytes come from, for messages
     */
    long keep(InputStream in, long size, String shown) throws IOException {
        long offset = channel.size();
        if (offset + size > limit) {
            throw new LayerException(shown + " brings what inspect keeps past " + limit + " bytes; not read");
        }
        byte[] buffer = new byte[(int) Math.min(Math.max(size, 1), 1 << 20)];
        long position = offset;
        for (long left = size; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new LayerException(shown + " ends inside a file");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                position += channel.write(chunk, position);
            }
            left -= n;
        }
        return offset;
    }

    /** The {@code length} bytes kept at {@code offset}. */
    InputStream open(long offset, long length) {
        return new InputStream() {
            private long position = offset;
            private final long end = offset + length;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= end) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - position)), position);
                if (n > 0) {
                    position += n;
                }
                return n;
            }
        };
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Deleted on close, or when the process ends.
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Deleted when the process ends.
        }
    }
}
