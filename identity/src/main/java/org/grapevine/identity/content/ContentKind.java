package org.grapevine.identity.content;

import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;

/**
 * Everything about one kind of content, in one place: its type code in the entry header, its
 * canonical byte layout (docs/PROTOCOL.md, "Content"), what storing it changes in a node's indexes,
 * whether it changes which feeds a node wants, and how it reads to people in text and JSON.
 * A new kind is one class implementing this and one line in {@link ContentKinds}.
 */
public interface ContentKind<T extends Content> {
    /** The type code in the entry header. */
    int code();

    /** The kind's name where people and programs see it ("post"): JSON's "type", the CLI. */
    String name();

    Class<T> contentClass();

    /** Writes the body's canonical bytes. */
    void encode(T content, ByteWriter w);

    /** Reads a body strictly; the reader's end is checked by the caller. */
    T decode(ByteReader r) throws Malformed;

    /**
     * What storing an entry of this kind from {@code author} changes in a node's indexes, from the
     * body as stored; the default changes nothing. A body that does not decode changes nothing.
     */
    default void index(AuthorId author, byte[] body, Indexing indexing) {}

    /** Whether an entry of this kind may change which feeds the node wants (follows, blocks). */
    default boolean changesInterest() {
        return false;
    }

    /** The blobs an entry of this kind attaches, read from its body without decoding the rest. */
    default List<Content.Attachment> attachments(byte[] body) {
        return List.of();
    }

    /** One line for people: what the entry says or does. */
    String summary(T content, Names names);

    /** The lines under an entry's heading in a feed or thread; by default its summary's lines. */
    default List<String> lines(T content, Names names) {
        return List.of(summary(content, names).split("\n", -1));
    }

    /** The fields this kind adds to an entry's JSON object (after id, author, seq, timestamp, type, text). */
    void json(T content, Json out);

    /** The index changes a kind may make. */
    interface Indexing {
        void follow(AuthorId follower, AuthorId target, boolean on);

        void block(AuthorId blocker, AuthorId target, boolean on);

        /** The entry is the author's latest self-description. */
        void about(AuthorId author);

        /** The entry is a reply in the thread that starts at {@code root}. */
        void reply(EntryId root);

        void attachment(BlobId blob);

        /** The author asks to drop the body of an earlier entry of theirs. */
        void delete(AuthorId author, EntryId target);
    }

    /** How a renderer names things for people. */
    interface Names {
        /** A person as shown: "you", a petname, a self-declared name, or a short id. */
        String who(AuthorId author);

        /** A short form of any id. */
        String shortId(Object id);

        /** An attachment as one line. */
        String attachment(Content.Attachment a);
    }

    /** The JSON fields a kind writes; a renderer decides how. */
    interface Json {
        Json put(String key, String value);

        Json put(String key, long value);

        Json put(String key, boolean value);

        Json putIds(String key, List<?> ids);

        Json putAttachments(String key, List<Content.Attachment> attachments);
    }
}
