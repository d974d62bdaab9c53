package org.grapevine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.store.Indexes;

/** How entries and people look on a terminal and in {@code --json}. */
public final class Render {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final Indexes indexes;
    private final AuthorId self;
    /** Where to look up what is here of attachments; null when the caller does not show them. */
    private final BlobStore blobs;

    public Render(Indexes indexes, AuthorId self) {
        this(indexes, self, null);
    }

    public Render(Indexes indexes, AuthorId self, BlobStore blobs) {
        this.indexes = indexes;
        this.self = self;
        this.blobs = blobs;
    }

    /** Short form of an id for people: sigil and the first 10 characters. */
    public static String shortId(Object id) {
        String s = id.toString();
        return s.substring(0, Math.min(s.length(), 11));
    }

    public static String time(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }

    /** A person as shown: "you", their petname, or their self-declared name marked with '~', then a short id. */
    public String who(AuthorId author) {
        if (author.equals(self)) return "you";
        Optional<String> pet = indexes.petname(author);
        if (pet.isPresent()) return pet.get();
        return indexes.about(author).map(a -> a.name()).filter(n -> !n.isEmpty())
                .map(n -> "~" + n + " (" + shortId(author) + ")")
                .orElse(shortId(author));
    }

    /** One line saying what the entry is, for people. */
    public String summary(Entry entry) {
        Content c = content(entry);
        if (c instanceof Content.Post p) return p.text();
        if (c instanceof Content.Follow f) return (f.following() ? "followed " : "unfollowed ") + who(f.target());
        if (c instanceof Content.Block b) return (b.blocking() ? "blocked " : "unblocked ") + who(b.target());
        if (c instanceof Content.About a) return "set their name to \"" + a.name() + "\"" + (a.description().isEmpty() ? "" : ": " + a.description());
        if (c instanceof Content.Reaction r) return "reacted " + r.reaction() + " to " + shortId(r.target());
        if (c instanceof Content.Deletion d) return "deleted " + shortId(d.target());
        if (c instanceof Content.Dropped) return "[deleted]";
        return "[" + typeName(entry.header().contentType()) + "]";
    }

    /** The entry as a block of text lines for the feed or a thread. */
    public String block(Entry entry, String indent) {
        EntryHeader h = entry.header();
        StringBuilder out = new StringBuilder();
        out.append(indent).append(who(h.author())).append("  ").append(time(h.timestamp()))
                .append("  ").append(shortId(entry.id())).append('\n');
        Content c = content(entry);
        if (c instanceof Content.Post p && p.isReply()) {
            out.append(indent).append("  ↳ reply to ").append(shortId(p.parent())).append('\n');
        }
        for (String line : summary(entry).split("\n", -1)) out.append(indent).append("  ").append(line).append('\n');
        if (c instanceof Content.Post p) {
            for (Content.Attachment a : p.attachments()) out.append(indent).append("  ").append(attachment(a)).append('\n');
        }
        return out.toString();
    }

    /** One attachment for people: name, size, media type, whether it is here, and the id to fetch it by. */
    public String attachment(Content.Attachment a) {
        StringBuilder line = new StringBuilder("attached: ").append(a.name().isEmpty() ? "(no name)" : a.name())
                .append("  ").append(Sizes.human(a.size()));
        if (!a.mediaType().isEmpty()) line.append("  ").append(a.mediaType());
        if (blobs != null) line.append("  ").append(presence(a.blob()));
        return line.append("  ").append(shortId(a.blob())).toString();
    }

    /** How much of a blob is here: "local", "40% fetched" or "not here yet". */
    public String presence(BlobId blob) {
        return presence(blobs.held(blob).orElse(null));
    }

    public static String presence(BlobStore.Held h) {
        if (h == null) return "not here yet";
        if (h.complete()) return "local";
        return percent(h.chunksHeld(), h.chunks()) + "% fetched";
    }

    /** Whole percent of {@code part} in {@code whole}, never 100 before it is all there. */
    public static int percent(long part, long whole) {
        if (whole <= 0) return 0;
        return part >= whole ? 100 : (int) Math.min(99, part * 100 / whole);
    }

    public static Content content(Entry entry) {
        try {
            return entry.decodeContent();
        } catch (Malformed e) {
            return new Content.Opaque(0, new byte[0]);
        }
    }

    public static String typeName(int type) {
        return switch (type) {
            case Content.POST -> "post";
            case Content.FOLLOW -> "follow";
            case Content.BLOCK -> "block";
            case Content.ABOUT -> "about";
            case Content.REACTION -> "reaction";
            case Content.DELETION -> "deletion";
            case Content.PRIVATE_MESSAGE -> "private-message";
            default -> "type-" + type;
        };
    }

    /** The entry as a JSON object: id, author, seq, timestamp, type, text, and what else its kind has. */
    public ObjectNode json(Entry entry) {
        EntryHeader h = entry.header();
        ObjectNode o = JSON.createObjectNode();
        o.put("id", entry.id().toString());
        o.put("author", h.author().toString());
        o.put("author_name", who(h.author()));
        o.put("seq", h.seq());
        o.put("timestamp", h.timestamp());
        o.put("type", typeName(h.contentType()));
        if (h.previous() != null) o.put("previous", h.previous().toString());
        o.put("deleted", !entry.hasContent());
        Content c = content(entry);
        o.put("text", c instanceof Content.Post p ? p.text() : summary(entry));
        if (c instanceof Content.Post p) {
            if (p.isReply()) {
                o.put("root", p.root().toString());
                o.put("parent", p.parent().toString());
            }
            ArrayNode mentions = o.putArray("mentions");
            p.mentions().forEach(m -> mentions.add(m.toString()));
            ArrayNode attachments = o.putArray("attachments");
            for (Content.Attachment a : p.attachments()) attachments.add(json(a));
            if (!p.channel().isEmpty()) o.put("channel", p.channel());
        } else if (c instanceof Content.Follow f) {
            o.put("target", f.target().toString()).put("following", f.following());
        } else if (c instanceof Content.Block b) {
            o.put("target", b.target().toString()).put("blocking", b.blocking());
        } else if (c instanceof Content.About a) {
            o.put("name", a.name()).put("description", a.description());
            if (a.avatar() != null) o.put("avatar", a.avatar().toString());
        } else if (c instanceof Content.Reaction r) {
            o.put("target", r.target().toString()).put("reaction", r.reaction());
        } else if (c instanceof Content.Deletion d) {
            o.put("target", d.target().toString()).put("reason", d.reason());
        }
        return o;
    }

    /** An attachment: id, name, size, media type, and (when blobs are looked up) whether it is here whole. */
    public ObjectNode json(Content.Attachment a) {
        ObjectNode o = JSON.createObjectNode().put("id", a.blob().toString()).put("name", a.name())
                .put("size", a.size()).put("media_type", a.mediaType());
        if (blobs != null) {
            BlobStore.Held h = blobs.held(a.blob()).orElse(null);
            o.put("local", h != null && h.complete());
            o.put("fetched_percent", h == null ? 0 : h.complete() ? 100 : percent(h.chunksHeld(), h.chunks()));
        }
        return o;
    }

    /** Entries as a JSON array of {@link #json(Entry)} objects. */
    public ArrayNode json(java.util.List<Entry> entries) {
        ArrayNode array = JSON.createArrayNode();
        for (Entry e : entries) array.add(json(e));
        return array;
    }

    public static String print(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
