package org.grapevine.identity.content.kinds;

import java.util.Optional;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKind;

/** What every kind states the same way: its type code, its name, and the record it decodes to. */
abstract class Kind<T extends Content> implements ContentKind<T> {
    private final int code;
    private final String name;
    private final Class<T> contentClass;

    Kind(int code, String name, Class<T> contentClass) {
        this.code = code;
        this.name = name;
        this.contentClass = contentClass;
    }

    @Override
    public final int code() {
        return code;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Class<T> contentClass() {
        return contentClass;
    }

    /** A body decoded strictly, or empty when it does not decode (a signed entry we cannot read is indexed as nothing). */
    final Optional<T> decoded(byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            T content = decode(r);
            r.end("content type " + code);
            return Optional.of(content);
        } catch (Malformed | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
