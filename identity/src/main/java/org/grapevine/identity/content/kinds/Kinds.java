package org.grapevine.identity.content.kinds;

import java.util.Optional;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKind;

/** Helpers the kinds share. */
final class Kinds {
    private Kinds() {}

    /** A body decoded strictly, or empty when it does not decode (a signed entry we cannot read is indexed as nothing). */
    static <T extends Content> Optional<T> decoded(ContentKind<T> kind, byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            T content = kind.decode(r);
            r.end("content type " + kind.code());
            return Optional.of(content);
        } catch (Malformed | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
