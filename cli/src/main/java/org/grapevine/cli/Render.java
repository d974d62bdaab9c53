package org.grapevine.cli;

import org.grapevine.node.Sizes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.node.api.ApiResponse;
import org.grapevine.identity.content.ContentKind;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;

/** How entries and people look on a terminal and in {@code --json}. */
public final class Render {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    /** How the user knows people, by id text (as a local API response says). */
    private final Map<String, ApiResponse.Name> names;
    private final AuthorId self;
    /** What is here of attached blobs, by id text; null when the caller does not show it. */
    private final Map<String, ApiResponse.Held> blobs;

    /** Rendering with how the user knows people given (a local API response's), with no attachments looked up. */
    public Render(Map<String, ApiResponse.Name> names, AuthorId self) {
        this(names, self, null);
    }

    /** Rendering with the names and the blobs (by id text) local API answers gave. */
    public Render(Map<String, ApiResponse.Name> names, AuthorId self, Map<String, ApiResponse.Held> blobs) {
        this.names = names;
        this.self = self;
        this.blobs = blobs;
    }

    /** How the entries of a local API answer look: with the names and the blobs it gives. */
    public static Render of(ApiResponse.Entries entries, AuthorId self) {
        return new Render(entries.names(), self, entries.blobs());
    }

    /** The entries of a local API answer. */
    public static List<Entry> entries(ApiResponse.Entries entries) {
        List<Entry> out = new ArrayList<>(entries.entries().size());
        for (String e : entries.entries()) out.add(Session.decode(e));
        return out;
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
        ApiResponse.Name name = names.get(author.toString());
        if (name == null) return shortId(author);
        if (name.petname() != null) return name.petname();
        return Optional.ofNullable(name.declared()).filter(n -> !n.isEmpty())
                .map(n -> "~" + n + " (" + shortId(author) + ")")
                .orElse(shortId(author));
    }

    /** One line saying what the entry is, for people. */
    public String summary(Entry entry) {
        Content c = content(entry);
        if (c instanceof Content.Dropped) return "[deleted]";
        if (ContentKinds.of(c) == null) return "[" + typeName(entry.header().contentType()) + "]";
        return ContentKinds.summary(c, naming);
    }

    /** The entry as a block of text lines for the feed or a thread. */
    public String block(Entry entry, String indent) {
        EntryHeader h = entry.header();
        StringBuilder out = new StringBuilder();
        out.append(indent).append(who(h.author())).append("  ").append(time(h.timestamp()))
                .append("  ").append(shortId(entry.id())).append('\n');
        Content c = content(entry);
        List<String> lines = ContentKinds.of(c) == null ? List.of(summary(entry).split("\n", -1)) : ContentKinds.lines(c, naming);
        for (String line : lines) out.append(indent).append("  ").append(line).append('\n');
        return out.toString();
    }

    /** How kinds name people, ids and attachments here. */
    private final ContentKind.Names naming = new ContentKind.Names() {
        @Override
        public String who(AuthorId author) {
            return Render.this.who(author);
        }

        @Override
        public String shortId(Object id) {
            return Render.shortId(id);
        }

        @Override
        public String attachment(Content.Attachment a) {
            return Render.this.attachment(a);
        }
    };

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
        return presence(blobs.get(blob.toString()));
    }

    public static String presence(ApiResponse.Held h) {
        if (h == null) return "not here yet";
        if (h.complete()) return "local";
        return percent(h.held(), h.chunks()) + "% fetched";
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
        return ContentKinds.name(type);
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
        o.put("text", summary(entry));
        if (ContentKinds.of(c) != null) ContentKinds.json(c, new JsonFields(o));
        return o;
    }

    /** An attachment: id, name, size, media type, and (when blobs are looked up) whether it is here whole. */
    public ObjectNode json(Content.Attachment a) {
        ObjectNode o = JSON.createObjectNode().put("id", a.blob().toString()).put("name", a.name())
                .put("size", a.size()).put("media_type", a.mediaType());
        if (blobs != null) {
            ApiResponse.Held h = blobs.get(a.blob().toString());
            o.put("local", h != null && h.complete());
            o.put("fetched_percent", h == null ? 0 : h.complete() ? 100 : percent(h.held(), h.chunks()));
        }
        return o;
    }

    /** A kind's JSON fields, written into one object. */
    private final class JsonFields implements ContentKind.Json {
        private final ObjectNode o;

        JsonFields(ObjectNode o) {
            this.o = o;
        }

        @Override
        public ContentKind.Json put(String key, String value) {
            o.put(key, value);
            return this;
        }

        @Override
        public ContentKind.Json put(String key, long value) {
            o.put(key, value);
            return this;
        }

        @Override
        public ContentKind.Json put(String key, boolean value) {
            o.put(key, value);
            return this;
        }

        @Override
        public ContentKind.Json putIds(String key, List<?> ids) {
            ArrayNode array = o.putArray(key);
            ids.forEach(id -> array.add(id.toString()));
            return this;
        }

        @Override
        public ContentKind.Json putAttachments(String key, List<Content.Attachment> attachments) {
            ArrayNode array = o.putArray(key);
            for (Content.Attachment a : attachments) array.add(json(a));
            return this;
        }
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
