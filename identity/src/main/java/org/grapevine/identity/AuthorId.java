package org.grapevine.identity;

import java.util.Arrays;
import java.util.HexFormat;

/** A person: the 32-byte Ed25519 public key of a pseudonym. */
public record AuthorId(byte[] bytes) implements Comparable<AuthorId> {
    public AuthorId {
        if (bytes == null || bytes.length != 32) {
            throw new IllegalArgumentException("author id needs 32 bytes");
        }
        bytes = bytes.clone();
    }

    /** Parses the text form; throws {@link InvalidIdException} with a message for the user. */
    public static AuthorId parse(String text) {
        return new AuthorId(IdText.parse(IdText.Kind.AUTHOR, text));
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
        return o instanceof AuthorId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(AuthorId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return IdText.format(IdText.Kind.AUTHOR, bytes);
    }
}
