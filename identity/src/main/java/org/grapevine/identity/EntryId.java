package org.grapevine.identity;

import java.util.Arrays;
import java.util.HexFormat;

/** A log entry: SHA-256 of its header bytes, signature included. */
public record EntryId(byte[] bytes) implements Comparable<EntryId> {
    public EntryId {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("entry id needs 32 bytes");
        }
        bytes = bytes.clone();
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static EntryId parse(String text) {
        return new EntryId(IdText.parse(IdText.Kind.ENTRY, text));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes into {@code dst} at {@code offset} without an extra copy. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, 32);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(EntryId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return IdText.format(IdText.Kind.ENTRY, bytes);
    }
}
