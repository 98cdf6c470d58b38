package io.nodeimage.inspect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code .modinfo} section of a kernel module (an ELF relocatable file): the NUL-separated
 * {@code key=value} strings modinfo prints. Every offset is checked against the data, so a truncated or
 * corrupt file is an error with a reason, never an exception from deep inside.
 */
public final class ElfModinfo {

    private ElfModinfo() {
    }

    /** Keys in order of first appearance; a key such as firmware or alias can repeat. */
    public static Map<String, List<String>> read(byte[] elf) throws ModuleFormatException {
        return read(elf, elf.length);
    }

    /** As {@link #read(byte[])}, for the first {@code length} bytes (a module without its signature). */
    public static Map<String, List<String>> read(byte[] elf, int length) throws ModuleFormatException {
        if (length < 52 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F') {
            throw new ModuleFormatException("not an ELF file");
        }
        boolean is64 = switch (elf[4]) {
            case 1 -> false;
            case 2 -> true;
            default -> throw new ModuleFormatException("unknown ELF class " + elf[4]);
        };
        ByteBuffer b = ByteBuffer.wrap(elf).order(switch (elf[5]) {
            case 1 -> ByteOrder.LITTLE_ENDIAN;
            case 2 -> ByteOrder.BIG_ENDIAN;
            default -> throw new ModuleFormatException("unknown ELF byte order " + elf[5]);
        });
        if (is64 && length < 64) {
            throw new ModuleFormatException("truncated ELF header");
        }
        long shoff = is64 ? b.getLong(0x28) : Integer.toUnsignedLong(b.getInt(0x20));
        int shentsize = Short.toUnsignedInt(b.getShort(is64 ? 0x3A : 0x2E));
        int shnum = Short.toUnsignedInt(b.getShort(is64 ? 0x3C : 0x30));
        int shstrndx = Short.toUnsignedInt(b.getShort(is64 ? 0x3E : 0x32));
        int minEntry = is64 ? 64 : 40;
        if (shnum == 0 || shentsize < minEntry || shstrndx >= shnum || shoff < 0
                || shoff + (long) shnum * shentsize > length) {
            throw new ModuleFormatException("section headers lie outside the file (truncated?)");
        }
        long[] names = section(b, is64, shoff, shentsize, shstrndx, length);
        for (int i = 0; i < shnum; i++) {
            long[] s = section(b, is64, shoff, shentsize, i, length);
            String name = cString(elf, names[1] + s[0], names[1] + names[2]);
            if (".modinfo".equals(name)) {
                return parse(elf, (int) s[1], (int) s[2]);
            }
        }
        throw new ModuleFormatException("no .modinfo section: not a kernel module");
    }

    /** {name offset, file offset, size} of section i, checked against the file. */
    private static long[] section(ByteBuffer b, boolean is64, long shoff, int shentsize, int i, int length)
            throws ModuleFormatException {
        int at = (int) (shoff + (long) i * shentsize);
        long name = Integer.toUnsignedLong(b.getInt(at));
        long offset = is64 ? b.getLong(at + 24) : Integer.toUnsignedLong(b.getInt(at + 16));
        long size = is64 ? b.getLong(at + 32) : Integer.toUnsignedLong(b.getInt(at + 20));
        int type = b.getInt(at + 4);
        // SHT_NOBITS (8) occupies no bytes in the file.
        if (type != 8 && (offset < 0 || size < 0 || offset + size > length)) {
            throw new ModuleFormatException("section " + i + " lies outside the file (truncated?)");
        }
        return new long[] {name, offset, type == 8 ? 0 : size};
    }

    private static String cString(byte[] data, long from, long limit) throws ModuleFormatException {
        if (from < 0 || from >= limit) {
            throw new ModuleFormatException("section name outside the string table");
        }
        int end = (int) from;
        while (end < limit && data[end] != 0) {
            end++;
        }
        return new String(data, (int) from, end - (int) from, StandardCharsets.UTF_8);
    }

    private static Map<String, List<String>> parse(byte[] data, int offset, int size) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        int start = offset;
        for (int i = offset; i <= offset + size; i++) {
            if (i == offset + size || data[i] == 0) {
                if (i > start) {
                    String entry = new String(data, start, i - start, StandardCharsets.UTF_8);
                    int eq = entry.indexOf('=');
                    if (eq > 0) {
                        out.computeIfAbsent(entry.substring(0, eq), k -> new ArrayList<>()).add(entry.substring(eq + 1));
                    }
                }
                start = i + 1;
            }
        }
        return out;
    }
}
