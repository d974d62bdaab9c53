package org.grapevine.identity.content;

import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content.Opaque;
import org.grapevine.identity.log.EntryHeader;

/**
 * Canonical encodings of content bodies (docs/PROTOCOL.md, "Content"), by way of each kind's
 * {@link ContentKind}. Strings are varint length plus strict UTF-8, optional ids a flag byte plus
 * 32 bytes, lists a varint count plus items; a type no kind claims is kept as {@link Opaque}.
 */
public final class ContentCodec {
    private static final int MAX = EntryHeader.MAX_CONTENT;

    private ContentCodec() {}

    public static byte[] encode(Content content) {
        ByteWriter w = new ByteWriter(128);
        if (content instanceof Opaque o) {
            w.bytes(o.body());
        } else {
            ContentKind<Content> kind = ContentKinds.of(content);
            if (kind == null) throw new IllegalArgumentException("no content kind is registered for " + content.getClass().getSimpleName());
            kind.encode(content, w);
        }
        if (w.size() > MAX) throw new IllegalArgumentException("content of " + w.size() + " bytes exceeds " + MAX);
        return w.toByteArray();
    }

    /** Strictly decodes a body of the given type; unknown types become {@link Opaque}. */
    public static Content decode(int type, byte[] body) throws Malformed {
        if (body.length > MAX) throw new Malformed("content of " + body.length + " bytes exceeds " + MAX);
        ByteReader r = new ByteReader(body);
        ContentKind<?> kind = ContentKinds.forCode(type);
        Content c;
        try {
            c = kind == null ? new Opaque(type, r.bytes(r.remaining(), "body")) : kind.decode(r);
        } catch (IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
        r.end("content type " + type);
        return c;
    }
}
