package dev.rendezvous.archive.format.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The key index of a sealed segment ({@code <base>.idx}): for every record, the 32-bit FNV-1a hash of
 * its key and the byte position of its line, sorted by hash. A lookup is a binary search, then a read
 * of each line whose key hash matches (the caller checks the key itself: hashes may collide).
 *
 * <p>Format: the 8 ASCII bytes {@code RDVIDX1\n}, then 8-byte big-endian entries {@code int hash,
 * int position} (position unsigned: segments stay below 4 GiB).
 */
public final class SegmentIndex {
    private static final byte[] MAGIC = "RDVIDX1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int ENTRY = 8;

    private SegmentIndex() {
    }

    /** Collects entries while a segment is read for sealing. */
    public static final class Builder {
        private long[] entries = new long[1024];
        private int size;

        public void add(String key, long position) {
            if (position > 0xffffffffL) {
                throw new IllegalArgumentException("segment position " + position + " does not fit the index; segments must stay below 4 GiB");
            }
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
            }
            entries[size++] = ((long) hash(key) << 32) | position;
        }

        /** The index file's bytes. */
        public byte[] toBytes() {
            long[] sorted = Arrays.copyOf(entries, size);
            Arrays.sort(sorted);
            ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + size * ENTRY);
            buffer.put(MAGIC);
            for (long entry : sorted) {
                buffer.putLong(entry);
            }
            return buffer.array();
        }
    }

    /** Line positions of every record whose key hashes like {@code key}, in file order. */
    public static long[] positions(Path indexFile, String key) throws IOException {
        try (FileChannel channel = FileChannel.open(indexFile, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < MAGIC.length || (size - MAGIC.length) % ENTRY != 0) {
                throw new IOException(indexFile + " is not a segment index (size " + size + ")");
            }
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            byte[] magic = new byte[MAGIC.length];
            map.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(indexFile + " is not a segment index (bad magic)");
            }
            return positions(map, (int) ((size - MAGIC.length) / ENTRY), hash(key));
        }
    }

    private static long[] positions(ByteBuffer map, int count, int hash) {
        int low = 0;
        int high = count;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (map.getInt(MAGIC.length + middle * ENTRY) < hash) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        long[] found = new long[0];
        for (int i = low; i < count && map.getInt(MAGIC.length + i * ENTRY) == hash; i++) {
            found = Arrays.copyOf(found, found.length + 1);
            found[found.length - 1] = map.getInt(MAGIC.length + i * ENTRY + 4) & 0xffffffffL;
        }
        return found;
    }

    /** 32-bit FNV-1a of the key's UTF-8 bytes: stable across JVMs and versions, unlike {@code String.hashCode}'s contract. */
    static int hash(String key) {
        int hash = 0x811c9dc5;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }
}
