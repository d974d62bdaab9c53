package org.grapevine.node.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.grapevine.gossip.policy.Visibility;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.channel.ChannelKeys;
import org.grapevine.identity.channel.Introduction;
import org.grapevine.identity.channel.MembershipTag;
import org.grapevine.identity.channel.Reachable;
import org.grapevine.identity.channel.Sealed;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.store.Indexes;
import org.grapevine.node.store.Store;

/**
 * Private channels among a node's peers (docs/PROTOCOL.md, "Channels"). Within each connection to
 * a peer that speaks {@value #CAPABILITY}, both sides send membership tags for the channels they
 * hold; a peer whose tag matches is proven for that channel in this connection, and only then
 * learns the channel's persona feeds, is named them in any message, is served them, and may fetch
 * their blobs. Persona feeds are replicated by the node's ordinary replication, under this
 * protocol's visibility and interest rules. Everything runs on the node loop.
 */
public final class ChannelProtocol implements Protocol {
    public static final String CAPABILITY = "channels/1";
    /** Tags for the channels a node holds: {@code count varint | tag [32] × count}. */
    static final int TAGS = 128;
    /** The personas of one channel: {@code the sender's tag for it in this connection [32] | count varint | persona [32] × count}. */
    static final int FEEDS = 129;
    /** The most tags one message may carry, and the most personas a channel may have. */
    static final int MAX_TAGS = 4_096;
    public static final int MAX_PERSONAS = 1_024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the node lends this protocol. */
    public interface Host {
        /** Signs {@code content} as {@code author}'s next entry, stores it and passes it on. */
        Entry publish(Identity author, Content content);

        /** Which feeds the node wants changed. */
        void interestChanged();

        /** What {@code peer} may see changed. */
        void visibilityChanged(AuthorId peer);

        /** The feeds this node writes besides its own. */
        void authored(Set<AuthorId> personas);

        /** Where this node can be reached ({@code HOST:PORT@ID}), for the members of its channels. */
        List<String> reachableAt();

        /** A member's node can be reached at {@code address} ({@code HOST:PORT@ID}): dial it as an invite's address is. */
        void dial(String address);

        void event(String line);
    }

    /** One channel held. */
    private static final class Held {
        ChannelBook.Entry entry;
        final ChannelId id;
        final byte[] root;
        final AuthorId owner;
        final ChannelKeys.Epoch epoch;
        final Identity persona;
        final Set<AuthorId> personas = new LinkedHashSet<>();

        Held(ChannelBook.Entry entry, Identity identity) {
            this.entry = entry;
            this.root = HexFormat.of().parseHex(entry.root());
            this.owner = new AuthorId(HexFormat.of().parseHex(entry.owner()));
            this.id = ChannelKeys.id(root, owner);
            this.epoch = ChannelKeys.epoch(HexFormat.of().parseHex(entry.secret()), id);
            this.persona = ChannelKeys.persona(identity, root);
            for (String p : entry.personas()) personas.add(new AuthorId(HexFormat.of().parseHex(p)));
            personas.add(persona.id());
            personas.add(owner);
        }
    }

    /** What is proven in one connection. */
    private static final class Session {
        final PeerChannel peer;
        /** The tag the peer should send for each channel held, and the one this node sent. */
        final Map<Key, Held> expected = new HashMap<>();
        final Map<Held, byte[]> sent = new HashMap<>();
        final Set<Held> proven = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Channels whose tag this node sent again after the peer proved them (so the peer, who may have joined since, can match it). */
        final Set<Held> answered = new HashSet<>();

        Session(PeerChannel peer) {
            this.peer = peer;
        }
    }

    /** A 32-byte value as a map key. */
    private record Key(String hex) {
        static Key of(byte[] b) {
            return new Key(HexFormat.of().formatHex(b));
        }
    }

    private final Identity identity;
    private final Store store;
    private final ChannelBook book;
    private final Host host;
    private final LongSupplier clock;
    private final Map<String, Held> byHandle = new LinkedHashMap<>();
    // Read by the visibility rule from the blob thread too: concurrent maps. Written on the node loop only.
    private final Map<AuthorId, Held> byPersona = new java.util.concurrent.ConcurrentHashMap<>();
    /** Channel blobs this node knows, by the channel they belong to. */
    private final Map<BlobId, Held> blobs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<AuthorId, Session> sessions = new java.util.concurrent.ConcurrentHashMap<>();

    public ChannelProtocol(Identity identity, Store store, ChannelBook book, Host host, LongSupplier clock) throws IOException {
        this.identity = identity;
        this.store = store;
        this.book = book;
        this.host = host;
        this.clock = clock;
        for (ChannelBook.Entry e : book.load()) register(new Held(e, identity));
        // Which blobs are the channels': hidden from non-members from the start.
        for (String handle : byHandle.keySet()) {
            for (Item i : entries(handle)) atStart.addAll(i.keys());
        }
    }

    /** The keys of the channel blobs found in the store at start, for the node to fetch what it lacks of them. */
    private final List<Sealing.BlobKey> atStart = new ArrayList<>();

    public List<Sealing.BlobKey> blobsAtStart() {
        return List.copyOf(atStart);
    }

    /**
     * Entries were stored: those of a channel's personas are opened, so that the blobs they attach
     * are known as channel blobs (hidden from non-members) before anyone asks for them. The keys of
     * the blobs newly learned, for the node to fetch.
     */
    public List<Sealing.BlobKey> stored(List<Entry> entries) {
        List<Sealing.BlobKey> learned = new ArrayList<>();
        for (Entry e : entries) {
            Held h = byPersona.get(e.header().author());
            Sealing.Opened o = h == null ? null : open(h, e);
            if (o == null) continue;
            for (Sealing.BlobKey k : o.keys()) {
                if (blobs.putIfAbsent(k.blob(), h) == null) learned.add(k);
            }
            if (o.content() instanceof Reachable r && !e.header().author().equals(h.persona.id())) r.addresses().forEach(host::dial);
        }
        return learned;
    }

    private void register(Held h) {
        byHandle.put(h.entry.handle(), h);
        for (AuthorId p : h.personas) byPersona.put(p, h);
    }

    /** The personas this node writes, one per channel held. */
    public Set<AuthorId> ownPersonas() {
        Set<AuthorId> out = new HashSet<>();
        for (Held h : byHandle.values()) out.add(h.persona.id());
        return out;
    }

    @Override
    public Set<MessageType> types() {
        return Set.of();
    }

    @Override
    public Set<Integer> extensionTypes() {
        return Set.of(TAGS, FEEDS);
    }

    @Override
    public Set<String> capabilities() {
        return Set.of(CAPABILITY);
    }

    // ---- sessions

    @Override
    public void connected(PeerChannel peer) {
        if (!peer.capabilities().contains(CAPABILITY)) return;
        Session s = new Session(peer);
        sessions.put(peer.id(), s);
        offer(s, byHandle.values());
    }

    /**
     * Sends {@code channels}' tags to the peer of {@code s} (padded with random ones), and notes
     * the tags the peer would send for them. Once when the connection starts, and again for a
     * channel created or joined while it lasts.
     */
    private void offer(Session s, java.util.Collection<Held> channels) {
        PeerChannel peer = s.peer;
        byte mine = peer.outbound() ? MembershipTag.INITIATOR : MembershipTag.RESPONDER;
        byte theirs = peer.outbound() ? MembershipTag.RESPONDER : MembershipTag.INITIATOR;
        byte[] hash = peer.handshakeHash();
        List<byte[]> tags = new ArrayList<>();
        for (Held h : channels) {
            byte[] tag = MembershipTag.of(h.epoch.tagKey(), mine, hash);
            s.sent.put(h, tag);
            s.expected.put(Key.of(MembershipTag.of(h.epoch.tagKey(), theirs, hash)), h);
            tags.add(tag);
        }
        while (tags.size() < MembershipTag.padded(channels.size())) {
            byte[] noise = new byte[MembershipTag.BYTES];
            RANDOM.nextBytes(noise);
            tags.add(noise);
        }
        Collections.shuffle(tags, RANDOM);
        ByteWriter w = new ByteWriter(8 + tags.size() * 32).varint(tags.size());
        for (byte[] t : tags) w.bytes(t);
        peer.send(new WireMessage.Extension(TAGS, w.toByteArray()));
    }

    @Override
    public void disconnected(AuthorId peer) {
        sessions.remove(peer);
    }

    @Override
    public void received(PeerChannel peer, WireMessage message, Runnable done) {
        try {
            Session s = sessions.get(peer.id());
            if (s == null || s.peer != peer) return; // it said it does not speak channels, or an old connection
            WireMessage.Extension x = (WireMessage.Extension) message;
            if (x.code() == TAGS) tags(s, x.body());
            else feeds(s, x.body());
        } catch (Malformed e) {
            host.event("channel message from " + peer.id() + " ignored: " + e.getMessage());
        } finally {
            done.run();
        }
    }

    private void tags(Session s, byte[] body) throws Malformed {
        ByteReader r = new ByteReader(body);
        int n = r.length(MAX_TAGS, "tag count");
        if ((long) n * 32 > r.remaining()) throw new Malformed(n + " tags in " + r.remaining() + " bytes");
        List<Held> proven = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Held h = s.expected.get(Key.of(r.bytes(32, "tag")));
            if (h != null && byHandle.containsValue(h) && s.proven.add(h)) proven.add(h);
        }
        r.end("tags");
        if (proven.isEmpty()) return;
        List<Held> answer = new ArrayList<>();
        for (Held h : proven) {
            sendFeeds(s, h);
            if (s.answered.add(h)) answer.add(h);
        }
        // The peer may have come to hold the channel after this node's tags went out: once more.
        if (!answer.isEmpty()) offer(s, answer);
        host.visibilityChanged(s.peer.id());
    }

    private void sendFeeds(Session s, Held h) {
        ByteWriter w = new ByteWriter(40 + h.personas.size() * 32).bytes(s.sent.get(h)).varint(h.personas.size());
        for (AuthorId p : h.personas) w.id(p);
        s.peer.send(new WireMessage.Extension(FEEDS, w.toByteArray()));
    }

    private void feeds(Session s, byte[] body) throws Malformed {
        ByteReader r = new ByteReader(body);
        Held h = s.expected.get(Key.of(r.bytes(32, "channel")));
        if (h == null || !s.proven.contains(h)) throw new Malformed("personas of a channel not proven in this connection");
        int n = r.length(MAX_PERSONAS, "persona count");
        if ((long) n * 32 > r.remaining()) throw new Malformed(n + " personas in " + r.remaining() + " bytes");
        List<AuthorId> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AuthorId p = r.author("persona");
            if (h.personas.size() >= MAX_PERSONAS) continue;
            if (byPersona.containsKey(p) && byPersona.get(p) != h) continue; // one persona, one channel
            if (h.personas.add(p)) {
                byPersona.put(p, h);
                added.add(p);
            }
        }
        r.end("personas");
        if (added.isEmpty()) return;
        save();
        host.interestChanged();
        for (Session other : sessions.values()) {
            if (other.proven.contains(h)) {
                sendFeeds(other, h);
                host.visibilityChanged(other.peer.id());
            }
        }
    }

    // ---- rules

    @Override
    public Visibility visibility() {
        return new Visibility() {
            @Override
            public boolean feed(AuthorId peer, AuthorId feed) {
                Held h = byPersona.get(feed);
                return h == null || proven(peer, h);
            }

            @Override
            public boolean blob(AuthorId peer, BlobId blob) {
                Held h = blobs.get(blob);
                return h == null || proven(peer, h);
            }
        };
    }

    private boolean proven(AuthorId peer, Held h) {
        Session s = sessions.get(peer);
        return s != null && s.proven.contains(h);
    }

    @Override
    public List<Interest.Rule> interest() {
        return List.of(new Interest.Rule() {
            @Override
            public Set<AuthorId> wants(Indexes indexes, AuthorId self, Set<AuthorId> excluded) {
                return new HashSet<>(byPersona.keySet());
            }
        });
    }

    // ---- what the user does

    /** Creates a channel under the local handle {@code handle}; its id. */
    public ChannelId create(String handle, String name, String network) {
        checkNewHandle(handle);
        byte[] first = new byte[ChannelKeys.SECRET_BYTES];
        RANDOM.nextBytes(first);
        byte[] root = ChannelKeys.root(first);
        Identity persona = ChannelKeys.persona(identity, root);
        HexFormat hex = HexFormat.of();
        Held h = new Held(new ChannelBook.Entry(handle, name, network, hex.formatHex(root), hex.formatHex(persona.id().bytes()),
                hex.formatHex(first), false, "", List.of()), identity);
        add(h);
        return h.id;
    }

    /** Joins the channel of {@code invite} under the local handle {@code handle}. */
    public ChannelId join(ChannelInvite invite, String handle, boolean anonymous, String as) {
        checkNewHandle(handle);
        for (Held h : byHandle.values()) {
            if (h.id.equals(invite.channel())) throw new IllegalStateException("you hold this channel already, as '" + h.entry.handle() + "'");
        }
        HexFormat hex = HexFormat.of();
        Held h = new Held(new ChannelBook.Entry(handle, invite.name(), invite.network(), hex.formatHex(invite.root()),
                hex.formatHex(invite.owner().bytes()), hex.formatHex(invite.secret()), anonymous, as == null ? "" : as, List.of()), identity);
        add(h);
        return h.id;
    }

    private void add(Held h) {
        register(h);
        save();
        for (Session s : sessions.values()) offer(s, List.of(h));
        host.authored(ownPersonas());
        host.interestChanged();
        if (store.headSeq(h.persona.id()) == 0) {
            Introduction intro = Introduction.of(identity, h.persona, h.id, ChannelKeys.personaX25519(identity, h.root).publicKey(),
                    h.entry.as(), h.entry.anonymous());
            publish(h, intro, List.of());
        }
        announce(h);
    }

    /**
     * Tells the members of every channel held (but those joined anonymously: the id would name
     * this node) where this node can be reached, when that is not what it told them last.
     */
    public void announce() {
        for (Held h : byHandle.values()) announce(h);
    }

    private void announce(Held h) {
        if (h.entry.anonymous()) return;
        List<String> here = host.reachableAt();
        if (here.isEmpty()) return;
        Reachable last = null;
        for (Entry e : store.log(h.persona.id(), 1, Integer.MAX_VALUE)) {
            Sealing.Opened o = open(h, e);
            if (o != null && o.content() instanceof Reachable r) last = r;
        }
        if (last == null || !last.addresses().equals(here)) publish(h, new Reachable(here), List.of());
    }

    private void checkNewHandle(String handle) {
        if (handle == null || !handle.matches("[a-z0-9][a-z0-9._-]{0,31}")) {
            throw new IllegalArgumentException("a channel's name here is 1 to 32 of a-z, 0-9, '.', '_' and '-', not '" + handle + "'");
        }
        if (byHandle.containsKey(handle)) throw new IllegalStateException("you have a channel named '" + handle + "' already");
    }

    /** An invite to the channel {@code handle}, naming {@code addresses} as where to find this node. */
    public ChannelInvite invite(String handle, List<String> addresses) {
        Held h = held(handle);
        HexFormat hex = HexFormat.of();
        return new ChannelInvite(h.entry.network(), h.entry.name(), h.root, h.owner, hex.parseHex(h.entry.secret()), addresses);
    }

    /** Seals {@code content} (with the keys of the blobs it attaches) into the channel {@code handle}. */
    public Entry post(String handle, Content content, List<Sealing.BlobKey> keys) {
        Held h = held(handle);
        for (Sealing.BlobKey k : keys) blobs.put(k.blob(), h);
        return publish(h, content, keys);
    }

    private Entry publish(Held h, Content content, List<Sealing.BlobKey> keys) {
        long seq = store.headSeq(h.persona.id()) + 1;
        Sealed sealed = Sealing.seal(content, keys, h.epoch, new Sealing.Place(h.id, h.persona.id(), seq));
        return host.publish(h.persona, sealed);
    }

    /** One channel entry opened: who wrote it, what it says, the keys of its blobs. */
    public record Item(Entry entry, AuthorId persona, Content content, List<Sealing.BlobKey> keys) {}

    /** A member as this node knows them: persona, the name it goes by, the public id it revealed (null if anonymous), whether it is the owner. */
    public record Member(AuthorId persona, String name, AuthorId member, boolean owner) {}

    /**
     * What a persona's entry of channel {@code h} says, or null when it is not a sealed body this
     * node can open (dropped, another epoch's, or not well formed: nothing a member can read).
     */
    private static Sealing.Opened open(Held h, Entry e) {
        if (!e.hasContent() || e.header().contentType() != Content.SEALED) return null;
        try {
            return Sealing.open((Sealed) e.decodeContent(), h.epoch, new Sealing.Place(h.id, e.header().author(), e.header().seq()));
        } catch (Malformed bad) {
            return null;
        }
    }

    /** Every entry of the channel's personas this node holds and can open, oldest first. */
    public List<Item> entries(String handle) {
        Held h = held(handle);
        List<Item> out = new ArrayList<>();
        for (AuthorId p : h.personas) {
            for (Entry e : store.log(p, 1, Integer.MAX_VALUE)) {
                Sealing.Opened o = open(h, e);
                if (o == null) continue;
                for (Sealing.BlobKey k : o.keys()) blobs.putIfAbsent(k.blob(), h);
                out.add(new Item(e, p, o.content(), o.keys()));
            }
        }
        out.sort(java.util.Comparator.comparingLong((Item i) -> i.entry().header().timestamp()).thenComparing(i -> i.entry().id()));
        return out;
    }

    /** The members whose introductions this node holds. */
    public List<Member> members(String handle) {
        Held h = held(handle);
        List<Member> out = new ArrayList<>();
        for (Item i : entries(handle)) {
            if (i.content() instanceof Introduction intro && i.entry().header().seq() == 1) {
                AuthorId member = intro.provesMember(h.id, i.persona()) ? intro.member() : null;
                out.add(new Member(i.persona(), intro.name(), member, i.persona().equals(h.owner)));
            }
        }
        return out;
    }

    /** The channels held: handle, display name, id, how many members are known. */
    public record Summary(String handle, String name, ChannelId id, String network, int personas, boolean owner) {}

    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        for (Held h : byHandle.values()) {
            out.add(new Summary(h.entry.handle(), h.entry.name(), h.id, h.entry.network(), h.personas.size(), h.owner.equals(h.persona.id())));
        }
        return out;
    }

    /** One channel held, as {@link #list} shows it. */
    public Summary summary(String handle) {
        Held h = held(handle);
        return new Summary(h.entry.handle(), h.entry.name(), h.id, h.entry.network(), h.personas.size(), h.owner.equals(h.persona.id()));
    }

    /**
     * Stops holding the channel {@code handle}: its secret leaves the book and its personas are no
     * longer replicated or served here (what is stored of them stays until the store drops it).
     */
    public void leave(String handle) {
        Held h = held(handle);
        byHandle.remove(handle);
        byPersona.values().removeIf(x -> x == h);
        blobs.values().removeIf(x -> x == h);
        for (Session s : sessions.values()) s.proven.remove(h);
        save();
        host.authored(ownPersonas());
        host.interestChanged();
    }

    /** Which channel a blob belongs to, if it is a channel blob this node knows. */
    public boolean isChannelBlob(BlobId blob) {
        return blobs.containsKey(blob);
    }

    private Held held(String handle) {
        Held h = byHandle.get(handle);
        if (h == null) throw new IllegalStateException("no channel named '" + handle + "' here ('grapevine channel ls' lists them)");
        return h;
    }

    private void save() {
        List<ChannelBook.Entry> entries = new ArrayList<>();
        for (Held h : byHandle.values()) {
            List<String> personas = new ArrayList<>();
            for (AuthorId p : h.personas) personas.add(HexFormat.of().formatHex(p.bytes()));
            h.entry = h.entry.withPersonas(personas);
            entries.add(h.entry);
        }
        try {
            book.save(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the channel book: " + e.getMessage(), e);
        }
    }
}
