package org.grapevine.identity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the 32-byte ids share: the bytes (kept private, handed out as copies), equality and
 * order by value within one kind, hex and the typed text form of {@link IdText}.
 */
public abstract sealed class Id32<T extends Id32<T>> implements Comparable<T> permits AuthorId, BlobId, ChannelId, EntryId {
    private final byte[] bytes;
    private final IdText.Kind kind;

    Id32(IdText.Kind kind, byte[] bytes) {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + " id needs 32 bytes");
        }
        this.kind = kind;
        this.bytes = bytes.clone();
    }

    public final byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code dst} at {@code offset} without an extra copy. */
    public final void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, 32);
    }

    public final String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((Id32<?>) o).bytes);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public final int compareTo(T o) {
        return Arrays.compareUnsigned(bytes, ((Id32<?>) o).bytes);
    }

    /** The text form, with the kind's prefix. */
    @Override
    public final String toString() {
        return IdText.format(kind, bytes);
    }
}
