package org.grapevine.node.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKind;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * What the store derives from content as entries arrive: the follow and block graph, threads,
 * self-declared profiles, deletions; plus petnames, which are the user's own and never leave the
 * node. Queries over them (timeline, thread) live here too.
 */
public final class Indexes {
    private static final byte[] EMPTY = new byte[0];

    private final Store store;
    /** follower(32) | target(32): present while the follower follows the target. */
    private final BTreeMap<byte[], byte[]> follows;
    /** blocker(32) | target(32): present while the blocker blocks the target. */
    private final BTreeMap<byte[], byte[]> blocks;
    /** root entry id(32) | location(8) of a reply in that thread. */
    private final BTreeMap<byte[], byte[]> replies;
    /** author(32) -> location of the author's latest about entry. */
    private final BTreeMap<byte[], Long> abouts;
    /** author(32) -> the local user's name for them. */
    private final BTreeMap<byte[], String> petnames;
    /** blob id(32) | location(8) of a post attaching that blob. */
    private final BTreeMap<byte[], byte[]> attachments;

    Indexes(Store store, DB db) {
        this.store = store;
        follows = db.treeMap("follows", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        blocks = db.treeMap("blocks", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        replies = db.treeMap("replies", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
        abouts = db.treeMap("abouts", Serializer.BYTE_ARRAY, Serializer.LONG).createOrOpen();
        petnames = db.treeMap("petnames", Serializer.BYTE_ARRAY, Serializer.STRING).createOrOpen();
        attachments = db.treeMap("attachments", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    }

    /** Called inside the append transaction for every stored entry, in log order: the entry's kind says what changes. */
    void apply(Entry entry, long loc) {
        if (!entry.hasContent()) return;
        ContentKind<?> kind = ContentKinds.forCode(entry.header().contentType());
        if (kind != null) kind.index(entry.header().author(), entry.content(), new Changes(loc, entry.header().seq()));
    }

    /** The index changes of one entry being stored at {@code loc}. */
    private final class Changes implements ContentKind.Indexing {
        private final long loc;
        private final long seq;

        Changes(long loc, long seq) {
            this.loc = loc;
            this.seq = seq;
        }

        @Override
        public void follow(AuthorId follower, AuthorId target, boolean on) {
            edge(follows, follower, target, on);
        }

        @Override
        public void block(AuthorId blocker, AuthorId target, boolean on) {
            edge(blocks, blocker, target, on);
        }

        @Override
        public void about(AuthorId author) {
            abouts.put(author.bytes(), loc);
        }

        @Override
        public void reply(EntryId root) {
            replies.put(concat(root.bytes(), longBytes(loc)), EMPTY);
        }

        @Override
        public void attachment(BlobId blob) {
            attachments.put(concat(blob.bytes(), longBytes(loc)), EMPTY);
        }

        @Override
        public void delete(AuthorId author, EntryId target) {
            Indexes.this.delete(author, seq, target);
        }
    }

    private static void edge(BTreeMap<byte[], byte[]> map, AuthorId from, AuthorId to, boolean on) {
        byte[] key = concat(from.bytes(), to.bytes());
        if (on) map.put(key, EMPTY);
        else map.remove(key);
    }

    /**
     * Drops the body of an earlier entry of the same author; anything else is ignored. A deleted
     * entry counts as never made: if it followed, blocked or described its author, the state is
     * worked out again from the author's entries still held, so that it is the same on every node
     * whatever order it learned things in (docs/PROTOCOL.md, "Deletion semantics").
     */
    private void delete(AuthorId author, long seq, EntryId target) {
        store.locate(target).ifPresent(loc -> {
            Entry victim = store.decodeAt(loc);
            if (victim.header().author().equals(author) && victim.header().seq() < seq && victim.hasContent()) {
                for (Content.Attachment a : ContentKinds.attachments(victim.header().contentType(), victim.content())) {
                    attachments.remove(concat(a.blob().bytes(), longBytes(loc)));
                }
                Effects undone = Effects.of(victim);
                store.rewrite(loc, victim.withoutContent());
                if (!undone.isEmpty()) recompute(author, undone);
            }
        });
    }

    /** Sets again what {@code undone} touched, as the author's held entries say it now. */
    private void recompute(AuthorId author, Effects undone) {
        Map<AuthorId, Boolean> follow = new HashMap<>();
        Map<AuthorId, Boolean> block = new HashMap<>();
        long[] about = {-1};
        store.eachWithBody(author, (entry, loc) -> {
            Effects e = Effects.of(entry);
            e.follows.forEach((t, on) -> { if (undone.follows.containsKey(t)) follow.put(t, on); });
            e.blocks.forEach((t, on) -> { if (undone.blocks.containsKey(t)) block.put(t, on); });
            if (e.about) about[0] = loc;
        });
        for (AuthorId t : undone.follows.keySet()) edge(follows, author, t, follow.getOrDefault(t, false));
        for (AuthorId t : undone.blocks.keySet()) edge(blocks, author, t, block.getOrDefault(t, false));
        if (undone.about) {
            if (about[0] >= 0) abouts.put(author.bytes(), about[0]);
            else abouts.remove(author.bytes());
        }
    }

    /** What an entry's kind does to the follow graph and the author's self-description. */
    private static final class Effects implements ContentKind.Indexing {
        final Map<AuthorId, Boolean> follows = new HashMap<>();
        final Map<AuthorId, Boolean> blocks = new HashMap<>();
        boolean about;

        static Effects of(Entry entry) {
            Effects e = new Effects();
            ContentKind<?> kind = ContentKinds.forCode(entry.header().contentType());
            if (kind != null && entry.hasContent()) kind.index(entry.header().author(), entry.content(), e);
            return e;
        }

        boolean isEmpty() {
            return follows.isEmpty() && blocks.isEmpty() && !about;
        }

        @Override
        public void follow(AuthorId follower, AuthorId target, boolean on) {
            follows.put(target, on);
        }

        @Override
        public void block(AuthorId blocker, AuthorId target, boolean on) {
            blocks.put(target, on);
        }

        @Override
        public void about(AuthorId author) {
            about = true;
        }

        @Override
        public void reply(EntryId root) {}

        @Override
        public void attachment(BlobId blob) {}

        @Override
        public void delete(AuthorId author, EntryId target) {}
    }

    // ---- graph ----

    public Set<AuthorId> following(AuthorId who) {
        synchronized (store) {
            return targets(follows, who);
        }
    }

    public Set<AuthorId> blocked(AuthorId who) {
        synchronized (store) {
            return targets(blocks, who);
        }
    }

    public boolean follows(AuthorId who, AuthorId target) {
        synchronized (store) {
            return follows.containsKey(concat(who.bytes(), target.bytes()));
        }
    }

    public boolean blocks(AuthorId who, AuthorId target) {
        synchronized (store) {
            return blocks.containsKey(concat(who.bytes(), target.bytes()));
        }
    }

    private static Set<AuthorId> targets(BTreeMap<byte[], byte[]> map, AuthorId who) {
        byte[] lo = concat(who.bytes(), new byte[32]);
        byte[] hi = concat(who.bytes(), filled(32));
        Set<AuthorId> out = new LinkedHashSet<>();
        for (byte[] key : map.subMap(lo, true, hi, true).keySet()) {
            out.add(new AuthorId(Arrays.copyOfRange(key, 32, 64)));
        }
        return out;
    }

    // ---- names ----

    /** The author's latest self-description, if any entry of theirs said one and it is still there. */
    public Optional<Content.About> about(AuthorId author) {
        synchronized (store) {
            Long loc = abouts.get(author.bytes());
            if (loc == null) return Optional.empty();
            try {
                return store.decodeAt(loc).decodeContent() instanceof Content.About a ? Optional.of(a) : Optional.empty();
            } catch (Malformed e) {
                return Optional.empty();
            }
        }
    }

    public Optional<String> petname(AuthorId author) {
        synchronized (store) {
            return Optional.ofNullable(petnames.get(author.bytes()));
        }
    }

    /** Sets (or with an empty name removes) the local name for {@code author}. */
    public void setPetname(AuthorId author, String name) {
        synchronized (store) {
            store.writable();
            store.indexes.putPetname(author, name); // After a repair, the indexes of the rebuilt file.
            store.journalPetname(author, name);
            store.commit();
        }
    }

    void putPetname(AuthorId author, String name) {
        if (name.isEmpty()) petnames.remove(author.bytes());
        else petnames.put(author.bytes(), name);
    }

    /** Petnames as stored, for writing the journal out whole. */
    java.util.Iterator<Map.Entry<byte[], String>> petnameEntries() {
        return petnames.entrySet().iterator();
    }

    /** Every petname, for resolving a name the user types back to an id. */
    /** Checks a petname as the user typed it (stripped); empty removes one. */
    public static void checkPetname(String name) {
        if (name.startsWith("@")) throw new IllegalArgumentException("a petname cannot start with '@' (ids do)");
        if (name.length() > 64) throw new IllegalArgumentException("a petname has at most 64 characters");
        if (name.chars().anyMatch(Character::isISOControl)) throw new IllegalArgumentException("a petname cannot contain control characters");
    }

    public Map<AuthorId, String> petnames() {
        synchronized (store) {
            Map<AuthorId, String> out = new java.util.LinkedHashMap<>();
            petnames.forEach((k, v) -> out.put(new AuthorId(k), v));
            return out;
        }
    }

    // ---- queries ----

    /** The posts held that attach {@code blob}, in store order (at most {@code max}). */
    public List<Entry> postsAttaching(BlobId blob, int max) {
        synchronized (store) {
            byte[] lo = concat(blob.bytes(), new byte[8]);
            byte[] hi = concat(blob.bytes(), filled(8));
            List<Entry> out = new ArrayList<>();
            for (byte[] key : attachments.subMap(lo, true, hi, true).keySet()) {
                if (out.size() >= max) break;
                out.add(store.decodeAt(bytesLong(key, 32)));
            }
            return out;
        }
    }

    /** The attachment record for {@code blob} from the first post held that attaches it. */
    public Optional<Content.Attachment> attachment(BlobId blob) {
        for (Entry e : postsAttaching(blob, 4)) {
            if (!e.hasContent()) continue;
            for (Content.Attachment a : ContentKinds.attachments(e.header().contentType(), e.content())) {
                if (a.blob().equals(blob)) return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * The newest {@code limit} entries accepted by {@code filter} from the logs of {@code self} and
     * everyone {@code self} follows and does not block, newest first. Logs are merged by timestamp,
     * each walked backwards from its head, so a page costs about (authors + limit) reads whatever
     * the store holds.
     */
    public List<Entry> timeline(AuthorId self, int limit, Predicate<EntryHeader> filter) {
        return timelineOf(self, limit, e -> filter.test(e.header()));
    }

    /** As {@link #timeline}, with a filter that may look at the whole entry (for instance, skip deleted ones). */
    public List<Entry> timelineOf(AuthorId self, int limit, Predicate<Entry> filter) {
        synchronized (store) {
            Set<AuthorId> authors = new LinkedHashSet<>();
            authors.add(self);
            authors.addAll(targets(follows, self));
            authors.removeAll(targets(blocks, self));
            record Cursor(Entry entry, Iterator<Long> rest) {}
            PriorityQueue<Cursor> queue = new PriorityQueue<>(
                    Comparator.comparingLong((Cursor c) -> c.entry.header().timestamp()).reversed());
            for (AuthorId a : authors) {
                int feed = store.feedNumber(a, false);
                if (feed == 0) continue;
                Iterator<Long> it = store.log.subMap(Store.location(feed, 1), true, Store.location(feed, Store.MAX_SEQ), true)
                        .descendingKeySet().iterator();
                if (it.hasNext()) queue.add(new Cursor(store.decodeAt(it.next()), it));
            }
            List<Entry> out = new ArrayList<>(limit);
            while (out.size() < limit && !queue.isEmpty()) {
                Cursor c = queue.poll();
                if (filter.test(c.entry)) out.add(c.entry);
                if (c.rest.hasNext()) queue.add(new Cursor(store.decodeAt(c.rest.next()), c.rest));
            }
            return out;
        }
    }

    /** The root entry (if held) and every reply to it that is held, oldest first. */
    public List<Entry> thread(EntryId root) {
        synchronized (store) {
            List<Entry> out = new ArrayList<>();
            store.locate(root).map(store::decodeAt).ifPresent(out::add);
            int firstReply = out.size();
            byte[] lo = concat(root.bytes(), new byte[8]);
            byte[] hi = concat(root.bytes(), filled(8));
            for (byte[] key : replies.subMap(lo, true, hi, true).keySet()) {
                out.add(store.decodeAt(bytesLong(key, 32)));
            }
            out.subList(firstReply, out.size())
                    .sort(Comparator.comparingLong((Entry e) -> e.header().timestamp()));
            return out;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    private static long bytesLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[off + i] & 0xff);
        return v;
    }
}
