package org.grapevine.identity.log;

import java.util.Arrays;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;

/**
 * A log entry: its signed header and, unless dropped (deleted, blocked, over quota), the content
 * body the header commits to.
 *
 * <p>Stored and sent as an envelope: {@code header | present u8 | content (when present)}.
 */
public final class Entry {
    private final EntryHeader header;
    private final byte[] content;

    private Entry(EntryHeader header, byte[] content) {
        this.header = header;
        this.content = content;
    }

    /** Signs a new entry of {@code author}'s log. {@code previous} is null exactly when {@code seq} is 1. */
    public static Entry create(Identity author, long seq, EntryId previous, long timestamp, Content content) {
        return create(author, seq, previous, timestamp, content.type(), ContentCodec.encode(content));
    }

    /** Signs a new entry with an already encoded body of the given type. */
    public static Entry create(Identity author, long seq, EntryId previous, long timestamp, int contentType, byte[] body) {
        byte[] header = EntryHeader.unsigned(author.id(), seq, previous, timestamp, contentType, body.length, Hashing.sha256(body));
        int signed = header.length - EntryHeader.SIGNATURE_BYTES;
        author.sign(header, 0, signed, header, signed);
        try {
            return new Entry(EntryHeader.decode(header), body.clone());
        } catch (Malformed e) {
            throw new IllegalStateException("freshly encoded header does not decode: " + e.getMessage(), e);
        }
    }

    /**
     * Pairs a decoded header with a body, checking that the body is the one the header commits to.
     * {@code content} may be null when the body was dropped.
     */
    public static Entry of(EntryHeader header, byte[] content) throws Malformed {
        if (content != null && !header.matches(content)) throw new Malformed("content does not match its hash");
        return new Entry(header, content == null ? null : content.clone());
    }

    /** Strictly decodes an envelope; checks the content hash but not the signature. */
    public static Entry decode(byte[] bytes) throws Malformed {
        return decode(bytes, 0, bytes.length);
    }

    public static Entry decode(byte[] bytes, int offset, int length) throws Malformed {
        // The sequence number, at a fixed offset, says whether the header carries a previous hash.
        if (length < EntryHeader.FIRST_SIZE + 1) throw new Malformed("entry of " + length + " bytes is too short");
        ByteReader peek = new ByteReader(bytes, offset + 33, 8);
        int headerSize = peek.i64("sequence") == 1 ? EntryHeader.FIRST_SIZE : EntryHeader.MAX_SIZE;
        if (length < headerSize + 1) throw new Malformed("entry of " + length + " bytes is too short");
        EntryHeader header = EntryHeader.decode(bytes, offset, headerSize);
        ByteReader r = new ByteReader(bytes, offset + headerSize, length - headerSize);
        boolean present = r.bool("content present");
        byte[] content = null;
        if (present) {
            content = r.bytes(header.contentLength(), "content");
            if (!header.matches(content)) throw new Malformed("content does not match its hash");
        }
        r.end("entry");
        return new Entry(header, content);
    }

    public byte[] encode() {
        ByteWriter w = new ByteWriter(header.size() + 1 + (content == null ? 0 : content.length));
        header.writeTo(w);
        w.bool(content != null);
        if (content != null) w.bytes(content);
        return w.toByteArray();
    }

    /** The same entry with its body dropped; the header and so the chain still verify. */
    public Entry withoutContent() {
        return content == null ? this : new Entry(header, null);
    }

    public EntryHeader header() {
        return header;
    }

    public EntryId id() {
        return header.id();
    }

    public boolean hasContent() {
        return content != null;
    }

    /** The raw body, or null when dropped. */
    public byte[] content() {
        return content == null ? null : content.clone();
    }

    /** The decoded body; {@link Content.Dropped} when the body is gone. */
    public Content decodeContent() throws Malformed {
        if (content == null) return new Content.Dropped(header.contentType());
        return ContentCodec.decode(header.contentType(), content);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry other && header.equals(other.header) && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return header.hashCode();
    }

    @Override
    public String toString() {
        return "Entry[" + header.author() + " #" + header.seq() + (content == null ? ", dropped" : "") + "]";
    }
}
