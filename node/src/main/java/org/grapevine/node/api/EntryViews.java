package org.grapevine.node.api;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKind;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.store.Store;

/**
 * The local API's reads of entries: the feed, a thread, a log, one entry. Each answer carries the
 * entries' canonical bytes with what a client needs to show them as this node would: the names
 * of the people their renderings name and what is here of the blobs they attach.
 */
final class EntryViews {
    /** The most entry bytes (base64) one answer carries, well within {@link ApiCodec#MAX_RESPONSE_BYTES}. */
    static final int ENTRY_BUDGET = 8 << 20;

    private final Store store;
    private final Supplier<BlobStore> blobs;
    private final AuthorId self;
    private final int budget;

    EntryViews(Store store, Supplier<BlobStore> blobs, AuthorId self) {
        this(store, blobs, self, ENTRY_BUDGET);
    }

    /** Views whose answers carry at most {@code budget} characters of entries. */
    EntryViews(Store store, Supplier<BlobStore> blobs, AuthorId self, int budget) {
        this.store = store;
        this.blobs = blobs;
        this.self = self;
        this.budget = budget;
    }

    ApiResponse feed(ApiRequest.Feed f) {
        if (f.limit() < 1 || f.limit() > 10_000) return failed("the limit must be between 1 and 10000, not " + f.limit());
        // Deleted posts leave the feed; "all" shows them as deleted, with every other kind of entry.
        return entries(store.indexes().timelineOf(self, f.limit(),
                e -> f.all() || (e.header().contentType() == Content.POST && e.hasContent())));
    }

    ApiResponse thread(ApiRequest.Thread t) {
        Entry start = entry(t.entry());
        EntryId root = content(start) instanceof Content.Post p && p.isReply() ? p.root() : start.id();
        List<Entry> thread = store.indexes().thread(root);
        if (thread.isEmpty()) throw new IllegalStateException("no thread for " + start.id());
        return new ApiResponse.ThreadView(root.toString(), entries(thread));
    }

    ApiResponse log(ApiRequest.Log l) {
        if (l.from() < 1) return failed("the log starts at sequence number 1, not " + l.from());
        if (l.limit() < 1 || l.limit() > 100_000) return failed("the limit must be between 1 and 100000, not " + l.limit());
        AuthorId author = AuthorId.parse(l.author());
        return new ApiResponse.LogView(author.toString(), store.headSeq(author), store.isForked(author),
                entries(store.log(author, l.from(), l.limit()), author));
    }

    ApiResponse.Entries one(ApiRequest.GetEntry g) {
        return entries(List.of(entry(g.entry())));
    }

    /** The held entry {@code text} names: a whole id, or a unique prefix of at least 6 characters after '%'. */
    Entry entry(String text) {
        String s = text == null ? "" : text.strip();
        EntryId id;
        if (s.length() == 1 + IdText.BODY_CHARS) {
            id = EntryId.parse(s);
        } else {
            if (!s.startsWith("%")) throw new IllegalArgumentException("an entry id starts with '%': " + s);
            if (s.length() < 7) throw new IllegalArgumentException("entry id prefix '" + s + "' is too short: give at least 6 characters after '%'");
            List<EntryId> found = store.entriesWithPrefix(IdText.parsePrefix(IdText.Kind.ENTRY, s), 2);
            if (found.isEmpty()) throw new IllegalStateException("no entry here has an id starting with " + s);
            if (found.size() > 1) throw new IllegalStateException("several entries have ids starting with " + s + ": type more of it");
            id = found.get(0);
        }
        EntryId wanted = id;
        return store.get(id).orElseThrow(() -> new IllegalStateException("no entry " + wanted + " in this store"));
    }

    /** The entries with the names and blobs their renderings need, and the names of {@code also}. */
    ApiResponse.Entries entries(List<Entry> entries, AuthorId... also) {
        List<String> encoded = new ArrayList<>(entries.size());
        Map<String, ApiResponse.Name> names = new LinkedHashMap<>();
        Map<String, ApiResponse.Held> held = new LinkedHashMap<>();
        NamedPeople named = new NamedPeople();
        for (AuthorId a : also) named.who(a);
        long left = budget;
        boolean more = false;
        for (Entry e : entries) {
            String bytes = Base64.getEncoder().encodeToString(e.encode());
            left -= bytes.length();
            if (left < 0) {
                more = true;
                break;
            }
            encoded.add(bytes);
            named.who(e.header().author());
            Content c = content(e);
            if (ContentKinds.of(c) != null) ContentKinds.lines(c, named);
            if (e.hasContent()) {
                for (Content.Attachment a : ContentKinds.attachments(e.header().contentType(), e.content())) {
                    blobs.get().held(a.blob()).ifPresent(h -> held.put(a.blob().toString(), held(h)));
                }
            }
        }
        for (AuthorId a : named.people) names.put(a.toString(), LocalApi.name(store, a));
        return new ApiResponse.Entries(encoded, names, held, more);
    }

    static ApiResponse.Held held(BlobStore.Held h) {
        return new ApiResponse.Held(h.size(), h.complete(), h.chunks(), h.chunksHeld());
    }

    private static Content content(Entry e) {
        try {
            return e.decodeContent();
        } catch (Malformed bad) {
            return new Content.Opaque(0, new byte[0]);
        }
    }

    private static ApiResponse failed(String message) {
        return new ApiResponse.Failed(message, LocalApi.USAGE);
    }

    /** Renders nothing, but notes everyone a kind's rendering names. */
    private static final class NamedPeople implements ContentKind.Names {
        final java.util.Set<AuthorId> people = new java.util.LinkedHashSet<>();

        @Override
        public String who(AuthorId author) {
            people.add(author);
            return "";
        }

        @Override
        public String shortId(Object id) {
            return "";
        }

        @Override
        public String attachment(Content.Attachment a) {
            return "";
        }
    }
}
