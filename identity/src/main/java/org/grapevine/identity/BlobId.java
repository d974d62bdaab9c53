package org.grapevine.identity;

import java.util.Arrays;
import java.util.HexFormat;

/** A media blob's id: SHA-256 of its size and the root of its Merkle tree over 256 KiB chunks (see {@link org.grapevine.identity.blob.BlobHasher}). */
public record BlobId(byte[] bytes) implements Comparable<BlobId> {
    public BlobId {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("blob id needs 32 bytes");
        }
        bytes = bytes.clone();
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static BlobId parse(String text) {
        return new BlobId(IdText.parse(IdText.Kind.BLOB, text));
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
        return o instanceof BlobId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return IdText.format(IdText.Kind.BLOB, bytes);
    }
}
