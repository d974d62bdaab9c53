package org.grapevine.identity.content;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content.About;
import org.grapevine.identity.content.Content.Attachment;
import org.grapevine.identity.content.Content.Block;
import org.grapevine.identity.content.Content.Deletion;
import org.grapevine.identity.content.Content.Dropped;
import org.grapevine.identity.content.Content.Follow;
import org.grapevine.identity.content.Content.Opaque;
import org.grapevine.identity.content.Content.Post;
import org.grapevine.identity.content.Content.Reaction;
import org.grapevine.identity.log.EntryHeader;

/**
 * Canonical encodings of content bodies (docs/PROTOCOL.md, "Content"). Strings are varint length
 * plus strict UTF-8, optional ids a flag byte plus 32 bytes, lists a varint count plus items.
 */
public final class ContentCodec {
    private static final int MAX = EntryHeader.MAX_CONTENT;

    private ContentCodec() {}

    public static byte[] encode(Content content) {
        ByteWriter w = new ByteWriter(128);
        // Release 17 has no pattern switch; the sealed set keeps this chain complete.
        if (content instanceof Post p) {
            w.string(p.text());
            optional(w, p.root());
            optional(w, p.parent());
            w.varint(p.mentions().size());
            p.mentions().forEach(w::id);
            w.varint(p.attachments().size());
            for (Attachment a : p.attachments()) {
                w.id(a.blob()).varint(a.size()).string(a.mediaType()).string(a.name());
            }
            w.string(p.channel());
        } else if (content instanceof Follow f) {
            w.id(f.target()).bool(f.following());
        } else if (content instanceof Block b) {
            w.id(b.target()).bool(b.blocking());
        } else if (content instanceof About a) {
            w.string(a.name()).string(a.description()).bool(a.avatar() != null);
            if (a.avatar() != null) w.id(a.avatar());
        } else if (content instanceof Reaction r) {
            w.id(r.target()).string(r.reaction());
        } else if (content instanceof Deletion d) {
            w.id(d.target()).string(d.reason());
        } else if (content instanceof Opaque o) {
            w.bytes(o.body());
        } else {
            throw new IllegalArgumentException("a dropped body has no encoding");
        }
        if (w.size() > MAX) throw new IllegalArgumentException("content of " + w.size() + " bytes exceeds " + MAX);
        return w.toByteArray();
    }

    /** Strictly decodes a body of the given type; unknown types become {@link Opaque}. */
    public static Content decode(int type, byte[] body) throws Malformed {
        if (body.length > MAX) throw new Malformed("content of " + body.length + " bytes exceeds " + MAX);
        ByteReader r = new ByteReader(body);
        Content c;
        try {
            c = switch (type) {
                case Content.POST -> post(r);
                case Content.FOLLOW -> new Follow(r.author("follow target"), r.bool("following"));
                case Content.BLOCK -> new Block(r.author("block target"), r.bool("blocking"));
                case Content.ABOUT -> about(r);
                case Content.REACTION -> new Reaction(r.entryId("reaction target"), r.string(Content.MAX_REACTION_BYTES, "reaction"));
                case Content.DELETION -> new Deletion(r.entryId("deletion target"), r.string(Content.MAX_REASON_BYTES, "reason"));
                default -> new Opaque(type, r.bytes(r.remaining(), "body"));
            };
        } catch (IllegalArgumentException e) {
            throw new Malformed(e.getMessage());
        }
        r.end("content type " + type);
        return c;
    }

    /**
     * The thread root named by a post's body, read without decoding the text (indexing needs
     * only this); null when the post is no reply or its body does not parse that far.
     */
    public static EntryId postRoot(byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            r.skip(r.length(MAX, "text length"), "text");
            return r.bool("has root") ? r.entryId("root") : null;
        } catch (Malformed e) {
            return null;
        }
    }

    /**
     * The attachments of a post body without decoding its text; an empty list for a body that
     * does not decode. For indexing every post that arrives.
     */
    public static List<Attachment> postAttachments(byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            r.skip(r.length(MAX, "text length"), "text");
            if (r.bool("has root")) r.skip(32, "root");
            if (r.bool("has parent")) r.skip(32, "parent");
            r.skip(r.length(Content.MAX_MENTIONS, "mention count") * 32, "mentions");
            int count = r.length(Content.MAX_ATTACHMENTS, "attachment count");
            if (count == 0) return List.of();
            List<Attachment> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new Attachment(r.blobId("attachment blob"), r.varint(Long.MAX_VALUE, "attachment size"),
                        r.string(Content.MAX_MEDIA_TYPE_BYTES, "media type"), r.string(Content.MAX_FILE_NAME_BYTES, "file name")));
            }
            return out;
        } catch (Malformed | IllegalArgumentException e) {
            return List.of();
        }
    }

    private static Post post(ByteReader r) throws Malformed {
        String text = r.string(MAX, "text");
        EntryId root = r.bool("has root") ? r.entryId("root") : null;
        EntryId parent = r.bool("has parent") ? r.entryId("parent") : null;
        int mentionCount = r.length(Content.MAX_MENTIONS, "mention count");
        List<AuthorId> mentions = new ArrayList<>(mentionCount);
        for (int i = 0; i < mentionCount; i++) mentions.add(r.author("mention"));
        int attachmentCount = r.length(Content.MAX_ATTACHMENTS, "attachment count");
        List<Attachment> attachments = new ArrayList<>(attachmentCount);
        for (int i = 0; i < attachmentCount; i++) {
            attachments.add(new Attachment(r.blobId("attachment blob"), r.varint(Long.MAX_VALUE, "attachment size"),
                    r.string(Content.MAX_MEDIA_TYPE_BYTES, "media type"), r.string(Content.MAX_FILE_NAME_BYTES, "file name")));
        }
        String channel = r.string(Content.MAX_CHANNEL_BYTES, "channel");
        return new Post(text, root, parent, mentions, attachments, channel);
    }

    private static About about(ByteReader r) throws Malformed {
        String name = r.string(Content.MAX_NAME_BYTES, "name");
        String description = r.string(MAX, "description");
        return new About(name, description, r.bool("has avatar") ? r.blobId("avatar") : null);
    }

    private static void optional(ByteWriter w, EntryId id) {
        w.bool(id != null);
        if (id != null) w.id(id);
    }
}
