package org.grapevine.identity.log;

import java.security.MessageDigest;
import java.util.Arrays;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;

/**
 * The signed part of a log entry. It holds the content's hash, not the content, so the chain
 * still verifies after a body is dropped. Instances come only from {@link #decode} or
 * {@link Entry#create}, so {@link #encoded()} is always the one canonical byte string.
 *
 * <pre>
 * version u8 (=1) | author [32] | seq i64 (1 .. 2^63-1) | previous [32] (absent when seq = 1)
 * | timestamp i64 (ms) | contentType u16 | contentLength u32 | contentHash [32] | signature [64]
 * </pre>
 */
public final class EntryHeader {
    public static final int VERSION = 1;
    public static final int MAX_CONTENT = 16 * 1024;
    public static final int SIGNATURE_BYTES = 64;
    /** Sizes of the first entry of a log (no previous hash) and of every later one. */
    public static final int FIRST_SIZE = 1 + 32 + 8 + 8 + 2 + 4 + 32 + SIGNATURE_BYTES;
    public static final int MAX_SIZE = FIRST_SIZE + 32;

    private final AuthorId author;
    private final long seq;
    private final EntryId previous;
    private final long timestamp;
    private final int contentType;
    private final int contentLength;
    private final byte[] contentHash;
    private final byte[] encoded;
    private EntryId id;
    private static final byte UNCHECKED = 0;
    private static final byte VALID = 1;
    private static final byte INVALID = 2;
    private volatile byte signatureState = UNCHECKED;

    private EntryHeader(AuthorId author, long seq, EntryId previous, long timestamp, int contentType,
                        int contentLength, byte[] contentHash, byte[] encoded) {
        this.author = author;
        this.seq = seq;
        this.previous = previous;
        this.timestamp = timestamp;
        this.contentType = contentType;
        this.contentLength = contentLength;
        this.contentHash = contentHash;
        this.encoded = encoded;
    }

    /** Encodes the unsigned fields followed by 64 zero bytes, ready to be signed in place. */
    static byte[] unsigned(AuthorId author, long seq, EntryId previous, long timestamp, int contentType,
                           int contentLength, byte[] contentHash) {
        checkFields(seq, previous != null, timestamp, contentType, contentLength);
        ByteWriter w = new ByteWriter(MAX_SIZE)
                .u8(VERSION).id(author).i64(seq);
        if (previous != null) w.id(previous);
        return w.i64(timestamp).u16(contentType).u32(contentLength).bytes(contentHash)
                .bytes(new byte[SIGNATURE_BYTES]).toByteArray();
    }

    private static void checkFields(long seq, boolean hasPrevious, long timestamp, int contentType, int contentLength) {
        if (seq < 1) throw new IllegalArgumentException("sequence starts at 1");
        if (hasPrevious != (seq > 1)) throw new IllegalArgumentException("previous hash is present exactly when seq > 1");
        if (timestamp < 0) throw new IllegalArgumentException("timestamp before 1970");
        if (contentType < 0 || contentType > 0xffff) throw new IllegalArgumentException("content type out of range");
        if (contentLength < 0 || contentLength > MAX_CONTENT) {
            throw new IllegalArgumentException("content of " + contentLength + " bytes exceeds " + MAX_CONTENT);
        }
    }

    /** Strictly decodes exactly one header occupying all of {@code bytes}. Does not check the signature. */
    public static EntryHeader decode(byte[] bytes) throws Malformed {
        return decode(bytes, 0, bytes.length);
    }

    /** Strictly decodes one header occupying exactly {@code length} bytes from {@code offset}. */
    public static EntryHeader decode(byte[] bytes, int offset, int length) throws Malformed {
        if (length != FIRST_SIZE && length != MAX_SIZE) {
            throw new Malformed("entry header of " + length + " bytes (must be " + FIRST_SIZE + " or " + MAX_SIZE + ")");
        }
        ByteReader r = new ByteReader(bytes, offset, length);
        int version = r.u8("version");
        if (version != VERSION) throw new Malformed("unknown entry version " + version);
        AuthorId author = r.author("author");
        long seq = r.i64("sequence");
        if (seq < 1) throw new Malformed("sequence " + Long.toUnsignedString(seq) + " out of range");
        boolean hasPrevious = length == MAX_SIZE;
        if (hasPrevious != (seq > 1)) {
            throw new Malformed(seq == 1 ? "first entry has a previous hash" : "entry " + seq + " lacks its previous hash");
        }
        EntryId previous = hasPrevious ? r.entryId("previous") : null;
        long timestamp = r.i64("timestamp");
        if (timestamp < 0) throw new Malformed("negative timestamp");
        int contentType = r.u16("content type");
        long contentLength = r.u32("content length");
        if (contentLength > MAX_CONTENT) throw new Malformed("content length " + contentLength + " exceeds " + MAX_CONTENT);
        byte[] contentHash = r.bytes(32, "content hash");
        r.bytes(SIGNATURE_BYTES, "signature");
        r.end("entry header");
        byte[] encoded = Arrays.copyOfRange(bytes, offset, offset + length);
        return new EntryHeader(author, seq, previous, timestamp, contentType, (int) contentLength, contentHash, encoded);
    }

    /**
     * True when the signature is the author's over every preceding header byte. The answer is
     * kept: the bytes never change, so whichever thread checks first (say, the one that read the
     * entry off the network) spares the store the work.
     */
    public boolean verifySignature(Verifier verifier) {
        byte known = signatureState;
        if (known != UNCHECKED) return known == VALID;
        int signed = encoded.length - SIGNATURE_BYTES;
        boolean valid = verifier.verify(author, encoded, 0, signed, encoded, signed);
        signatureState = valid ? VALID : INVALID;
        return valid;
    }

    /** True when {@code content} is the body this header commits to. */
    public boolean matches(byte[] content) {
        return content.length == contentLength && MessageDigest.isEqual(Hashing.sha256(content), contentHash);
    }

    public EntryId id() {
        EntryId cached = id;
        if (cached == null) id = cached = new EntryId(Hashing.sha256(encoded));
        return cached;
    }

    public AuthorId author() {
        return author;
    }

    public long seq() {
        return seq;
    }

    /** The previous entry's id, or null for the first entry. */
    public EntryId previous() {
        return previous;
    }

    public long timestamp() {
        return timestamp;
    }

    public int contentType() {
        return contentType;
    }

    public int contentLength() {
        return contentLength;
    }

    public byte[] contentHash() {
        return contentHash.clone();
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    /** Size of the encoded header, without copying it. */
    public int size() {
        return encoded.length;
    }

    /** Writes the encoded header into a writer without an intermediate copy. */
    public void writeTo(ByteWriter w) {
        w.bytes(encoded);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryHeader other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "EntryHeader[" + author + " #" + seq + " type " + contentType + "]";
    }
}
