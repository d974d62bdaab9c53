package org.grapevine.identity.content;

import java.util.List;
import java.util.Objects;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;

/**
 * What an entry says. Each kind has a type code in the entry header; its {@link ContentKind}
 * holds the byte layout, and the constructors here enforce the limits. Not sealed: a new kind
 * brings its record along with its {@link ContentKind}.
 */
public interface Content {
    int POST = 1;
    int FOLLOW = 2;
    int BLOCK = 3;
    int ABOUT = 4;
    int REACTION = 5;
    int DELETION = 6;
    /** A channel entry, sealed to the channel's members ({@link org.grapevine.identity.channel.Sealed}). */
    int SEALED = 7;
    /** A persona's introduction to its channel, only inside a sealed body ({@link org.grapevine.identity.channel.Introduction}). */
    int INTRODUCTION = 8;
    /** Where a member's node can be reached, only inside a sealed body ({@link org.grapevine.identity.channel.Reachable}). */
    int REACHABLE = 9;
    /** A new epoch's secret sealed to each persona it admits, only inside a sealed body ({@link org.grapevine.identity.channel.Rekey}). */
    int REKEY = 10;
    /** A persona made admin (or no longer), only inside a sealed body ({@link org.grapevine.identity.channel.Role}). */
    int ROLE = 11;
    /** A channel entry hidden by an owner or admin, only inside a sealed body ({@link org.grapevine.identity.channel.Hide}). */
    int HIDE = 12;
    /** In a conversation, how far this side holds the other's entries, only inside a sealed body ({@link org.grapevine.identity.channel.Received}). */
    int RECEIVED = 13;
    /** In a conversation, a fresh X25519 key of the side writing it, only inside a sealed body ({@link org.grapevine.identity.channel.FreshKey}). */
    int FRESH_KEY = 14;

    int MAX_MENTIONS = 64;
    int MAX_ATTACHMENTS = 32;
    int MAX_NAME_BYTES = 64;
    int MAX_CHANNEL_BYTES = 64;
    int MAX_MEDIA_TYPE_BYTES = 127;
    int MAX_FILE_NAME_BYTES = 255;
    int MAX_REACTION_BYTES = 32;
    int MAX_REASON_BYTES = 256;

    int type();

    /**
     * A post: text, optionally a reply (root of the thread and the entry answered), people
     * mentioned, attachments by blob id, and a channel name (empty for none).
     */
    record Post(String text, EntryId root, EntryId parent, List<AuthorId> mentions,
                List<Attachment> attachments, String channel) implements Content {
        public Post {
            Limits.check(text, org.grapevine.identity.log.EntryHeader.MAX_CONTENT, "text");
            mentions = List.copyOf(mentions);
            attachments = List.copyOf(attachments);
            if ((root == null) != (parent == null)) throw new IllegalArgumentException("a reply names both its root and its parent");
            if (mentions.size() > MAX_MENTIONS) throw new IllegalArgumentException("more than " + MAX_MENTIONS + " mentions");
            if (attachments.size() > MAX_ATTACHMENTS) throw new IllegalArgumentException("more than " + MAX_ATTACHMENTS + " attachments");
            Limits.check(channel, MAX_CHANNEL_BYTES, "channel");
        }

        public static Post text(String text) {
            return new Post(text, null, null, List.of(), List.of(), "");
        }

        public static Post reply(String text, EntryId root, EntryId parent) {
            return new Post(text, root, parent, List.of(), List.of(), "");
        }

        public boolean isReply() {
            return root != null;
        }

        @Override
        public int type() {
            return POST;
        }
    }

    /** A file attached to a post: its blob id, size in bytes, media type and file name. */
    record Attachment(BlobId blob, long size, String mediaType, String name) {
        public Attachment {
            Objects.requireNonNull(blob, "blob");
            if (size < 0) throw new IllegalArgumentException("negative size");
            Limits.check(mediaType, MAX_MEDIA_TYPE_BYTES, "media type");
            Limits.check(name, MAX_FILE_NAME_BYTES, "file name");
        }
    }

    /** Starts ({@code following}) or stops following {@code target}. */
    record Follow(AuthorId target, boolean following) implements Content {
        public Follow {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int type() {
            return FOLLOW;
        }
    }

    /** Starts ({@code blocking}) or stops blocking {@code target}. */
    record Block(AuthorId target, boolean blocking) implements Content {
        public Block {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public int type() {
            return BLOCK;
        }
    }

    /** What an author says about themself: a self-declared name, a description, an avatar blob (or null). */
    record About(String name, String description, BlobId avatar) implements Content {
        public About {
            Limits.check(name, MAX_NAME_BYTES, "name");
            Limits.check(description, org.grapevine.identity.log.EntryHeader.MAX_CONTENT, "description");
        }

        @Override
        public int type() {
            return ABOUT;
        }
    }

    /** A reaction (an emoji or short word) to an entry; empty takes an earlier reaction back. */
    record Reaction(EntryId target, String reaction) implements Content {
        public Reaction {
            Objects.requireNonNull(target, "target");
            Limits.check(reaction, MAX_REACTION_BYTES, "reaction");
        }

        @Override
        public int type() {
            return REACTION;
        }
    }

    /** Asks every node to drop the body of one of the author's own earlier entries. */
    record Deletion(EntryId target, String reason) implements Content {
        public Deletion {
            Objects.requireNonNull(target, "target");
            Limits.check(reason, MAX_REASON_BYTES, "reason");
        }

        @Override
        public int type() {
            return DELETION;
        }
    }

    /** A type this node does not know: kept and passed on byte for byte. */
    record Opaque(int type, byte[] body) implements Content {
        public Opaque {
            if (type < 0 || type > 0xffff) throw new IllegalArgumentException("content type out of range");
            if (ContentKinds.forCode(type) != null) throw new IllegalArgumentException("type " + type + " is not unknown");
            body = body.clone();
        }

        @Override
        public byte[] body() {
            return body.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque other && type == other.type && java.util.Arrays.equals(body, other.body);
        }

        @Override
        public int hashCode() {
            return 31 * type + java.util.Arrays.hashCode(body);
        }

        @Override
        public String toString() {
            return "Opaque[type=" + type + ", " + body.length + " bytes]";
        }
    }

    /** The body of this entry was dropped (deleted by its author, or not kept); only the header remains. */
    record Dropped(int type) implements Content {}
}
