package org.grapevine.node.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.channel.ChannelKeys;
import org.grapevine.identity.channel.DirectKeys;
import org.grapevine.identity.channel.FreshKey;
import org.grapevine.identity.channel.Hide;
import org.grapevine.identity.channel.Introduction;
import org.grapevine.identity.channel.MembershipTag;
import org.grapevine.identity.channel.Reachable;
import org.grapevine.identity.channel.Received;
import org.grapevine.identity.channel.Rekey;
import org.grapevine.identity.channel.Role;
import org.grapevine.identity.channel.Sealed;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.channel.ChannelState.Key;
import org.grapevine.node.protocol.Protocol;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.store.Indexes;
import org.grapevine.node.store.Store;

/**
 * Private channels among a node's peers (docs/PROTOCOL.md, "Channels"). Within each connection to
 * a peer that speaks {@value #CAPABILITY}, both sides send membership tags for the channels they
 * hold; a peer whose tag matches an epoch of a channel is proven for that epoch in this
 * connection, and only then learns the persona feeds of that epoch and those before it, is named
 * them in any message, is served them, and may fetch their blobs. Persona feeds are replicated by
 * the node's ordinary replication, under this protocol's visibility and interest rules. A re-key
 * starts an epoch in which every member admitted writes from a new persona: a member removed
 * proves only older epochs, so nothing newer is ever named or served to it. Everything runs on
 * the node loop.
 */
public final class ChannelProtocol implements Protocol {
    public static final String CAPABILITY = "channels/1";
    /** Tags for the channels a node holds: {@code count varint | tag [32] × count}. */
    static final int TAGS = 128;
    /**
     * The personas of one channel the peer may see: {@code the sender's tag for it in this
     * connection [32] | count varint | (persona [32] | epoch id [32]) × count}.
     */
    static final int FEEDS = 129;
    /** The most tags one message may carry, and the most personas a channel may have. */
    static final int MAX_TAGS = 4_096;
    /**
     * Besides its current epoch, a node offers a tag for this many of the epochs before it: two
     * members whose nodes followed different re-keys from one epoch (two admins apart) meet at
     * it, read each other's re-keys and settle on one. (A member left behind is met at its own
     * epoch, which the other side holds and expects, however far behind.)
     */
    static final int ANCESTORS_OFFERED = 3;
    public static final int MAX_PERSONAS = 1_024;
    /**
     * The most personas a node holds of one channel, over all its epochs (each member has one per
     * epoch): a channel of 100 members can be re-keyed 40 times. Personas past it that peers name
     * are not taken in.
     */
    public static final int MAX_PERSONAS_HELD = 4_096;
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

        /** Connect to {@code person}'s node now if an address of it is known (a message waits for it). */
        void reach(AuthorId person);

        /** Fetch these channel blobs as those of entries that just arrived are (up to the automatic size). */
        void fetch(List<Sealing.BlobKey> keys);

        void event(String line);
    }

    /** What is proven in one connection. */
    private static final class Session {
        final PeerChannel peer;
        /** What each tag the peer may send proves: a channel at one of its epochs held here. */
        final Map<Key, Proof> expected = new HashMap<>();
        /** The epochs the peer proved, by channel. */
        final Map<ChannelState, Set<Key>> proven = new ConcurrentHashMap<>();
        /** Epochs whose tag this node sent again after the peer proved them (the peer may have come to hold them since). */
        final Set<Key> answered = new HashSet<>();
        /**
         * The tag the peer would send for a conversation with this node that this node does not
         * hold yet (the peer writes first), and that conversation's first secret; null when there
         * is none to expect (a conversation held already, a blocked or invalid peer).
         */
        Key newConversationTag;
        byte[] newConversationSecret;

        Session(PeerChannel peer) {
            this.peer = peer;
        }
    }

    /** A tag's meaning: a channel at one of its epochs. */
    private record Proof(ChannelState channel, Key epoch) {}

    private final Identity identity;
    private final Store store;
    private final ChannelBook book;
    private final Host host;
    private final LongSupplier clock;
    private final Map<String, ChannelState> byHandle = new LinkedHashMap<>();
    // Read by the visibility rule from the blob thread too: concurrent maps. Written on the node loop only.
    private final Map<AuthorId, ChannelState> byPersona = new ConcurrentHashMap<>();
    /** Channel blobs this node knows: the channel and the epoch of the entry that attached them. */
    private final Map<BlobId, Proof> blobs = new ConcurrentHashMap<>();
    private final Map<AuthorId, Session> sessions = new ConcurrentHashMap<>();
    /** The keys of the channel blobs found in the store at start, for the node to fetch what it lacks of them. */
    private final List<Sealing.BlobKey> atStart = new ArrayList<>();

    public ChannelProtocol(Identity identity, Store store, ChannelBook book, Host host, LongSupplier clock) throws IOException {
        this.identity = identity;
        this.store = store;
        this.book = book;
        this.host = host;
        this.clock = clock;
        for (ChannelBook.Entry e : book.load()) {
            ChannelState h = new ChannelState(e, identity);
            byHandle.put(h.handle(), h);
            readAll(h, atStart);
            h.settle();
            index(h);
            dropHidden(h);
        }
    }

    public List<Sealing.BlobKey> blobsAtStart() {
        return List.copyOf(atStart);
    }

    private void index(ChannelState h) {
        for (AuthorId p : h.personas.keySet()) byPersona.put(p, h);
    }

    /**
     * Reads every entry of the channel's personas again, until no new epoch opens more of them.
     * The keys of blobs newly known go to {@code learned}.
     */
    private void readAll(ChannelState h, List<Sealing.BlobKey> learned) {
        boolean more = true;
        while (more) {
            more = false;
            h.forget();
            for (AuthorId p : List.copyOf(h.personas.keySet())) {
                for (Entry e : store.log(p, 1, Integer.MAX_VALUE)) more |= take(h, e, learned, false);
            }
        }
    }

    /**
     * One entry of a persona of {@code h}: what it tells, the blobs it attaches, and (when it has
     * just {@code arrived}) the addresses a member's node told. True when it opened a new epoch.
     */
    private boolean take(ChannelState h, Entry e, List<Sealing.BlobKey> learned, boolean arrived) {
        Sealing.Opened o = h.open(e);
        boolean opened = h.absorb(e, o);
        if (o != null) {
            Key epoch = ChannelState.sealedEpoch(e);
            for (Sealing.BlobKey k : o.keys()) {
                // A stranger's message request fetches nothing until the user takes it up.
                if (blobs.putIfAbsent(k.blob(), new Proof(h, epoch)) == null && learned != null && !isRequest(h)) learned.add(k);
            }
            if (arrived && o.content() instanceof Reachable r && !h.ownPersonas().contains(e.header().author())) {
                r.addresses().forEach(host::dial);
            }
        }
        if (opened) index(h);
        return opened;
    }

    /**
     * Entries were stored: those of a channel's personas are read, so that the blobs they attach
     * are known as channel blobs (hidden from non-members) before anyone asks for them, and
     * re-keys, roles and hidden entries take effect. The keys of the blobs newly learned, for the
     * node to fetch.
     */
    public List<Sealing.BlobKey> stored(List<Entry> entries) {
        List<Sealing.BlobKey> learned = new ArrayList<>();
        Set<ChannelState> touched = new HashSet<>();
        Set<ChannelState> reread = new HashSet<>();
        for (Entry e : entries) {
            ChannelState h = byPersona.get(e.header().author());
            if (h == null) continue;
            touched.add(h);
            if (take(h, e, learned, true)) reread.add(h);
        }
        for (ChannelState h : reread) readAll(h, learned);
        for (ChannelState h : touched) settle(h);
        for (ChannelState h : touched) capRequest(h);
        acknowledge(entries);
        return learned;
    }

    /** The most entries of a message request's sender a node keeps the bodies of until the user takes the request up. */
    public static final int MAX_REQUEST_ENTRIES = 20;

    /**
     * Holds a message request to its first {@link #MAX_REQUEST_ENTRIES} entries: bodies past them
     * that came in one batch are dropped (their headers stay, so the log still checks), and the
     * sender's feed is no longer wanted until the user answers or accepts.
     */
    private void capRequest(ChannelState h) {
        if (!isRequest(h)) return;
        int dropped = 0;
        boolean full = false;
        for (AuthorId p : h.personas.keySet()) {
            if (h.ownPersonas().contains(p)) continue;
            long head = store.headSeq(p);
            if (head < MAX_REQUEST_ENTRIES) continue;
            full = true;
            for (long seq = MAX_REQUEST_ENTRIES + 1; seq <= head; seq++) {
                Optional<Entry> e = store.get(p, seq);
                if (e.isPresent() && e.get().hasContent() && store.dropBody(e.get().id())) dropped++;
            }
        }
        if (dropped > 0) {
            host.event("a message request from " + h.with + " is over " + MAX_REQUEST_ENTRIES + " entries: " + dropped + " more not kept");
        }
        if (full) host.interestChanged();
    }

    /**
     * For each conversation in which messages of the other side just arrived, tells that side
     * how far its messages are held here: a Received entry, one per persona and batch, so that
     * the sender's node can show them delivered. Only messages are acknowledged (not
     * acknowledgements, nor fresh keys).
     */
    private void acknowledge(List<Entry> entries) {
        Map<AuthorId, ChannelState> heard = new LinkedHashMap<>();
        for (Entry e : entries) {
            AuthorId author = e.header().author();
            ChannelState h = byPersona.get(author);
            if (h == null || h.with == null || h.ownPersonas().contains(author) || store.indexes().blocks(identity.id(), h.with)) continue;
            Sealing.Opened o = h.open(e);
            if (o != null && o.content() instanceof Content.Post) heard.put(author, h);
        }
        // A request acknowledges only what it keeps.
        heard.forEach((persona, h) -> publish(h, new Received(persona, isRequest(h) ? Math.min(store.headSeq(persona), MAX_REQUEST_ENTRIES)
                : store.headSeq(persona)), List.of()));
    }

    /** Works out the channel's state again from what was read, and acts on what changed. */
    private void settle(ChannelState h) {
        ChannelState.Epoch before = h.current;
        boolean changed = h.settle();
        if (h.takeDerivedNew()) save();
        for (String line : h.ignored()) host.event("channel " + h.handle() + ": " + line);
        index(h);
        dropHidden(h);
        if (h.current != before) {
            host.event("channel " + h.handle() + ": now at epoch " + h.current.id.hex().substring(0, 8));
            save();
            host.authored(ownPersonas());
            for (Session s : sessions.values()) offer(s, List.of(h));
        }
        if (h.removed && changed) host.event("channel " + h.handle() + ": this node was removed from the channel");
        if (changed) host.interestChanged();
        if (!byHandle.containsValue(h) || rekeying) return;
        introduce(h);
        // Two re-keys that removed different members: the one that won lets in whom the other removed. Remove them too.
        if (!h.removed && h.isAuthority(h.current.persona.id()) && !h.stillIn().isEmpty()) rekey(h, h.stillIn());
    }

    /**
     * Drops the bodies of the entries an owner or admin hid: posts, comments and the like of this
     * channel's personas only. A hide of anything else (a public entry, another channel's, a
     * re-key, role, introduction or address this channel's working depends on) is refused.
     */
    private void dropHidden(ChannelState h) {
        for (EntryId id : h.hidden()) {
            Optional<Entry> held = store.get(id);
            if (held.isEmpty() || !held.get().hasContent()) continue; // not here (yet), or dropped already
            Entry e = held.get();
            Sealing.Opened o = byPersona.get(e.header().author()) == h ? h.open(e) : null;
            if (o == null || o.content() instanceof Introduction || o.content() instanceof Rekey || o.content() instanceof Role
                    || o.content() instanceof Hide || o.content() instanceof Reachable) {
                if (refusedHides.add(id)) host.event("channel " + h.handle() + ": a hide of " + id + " is refused: only the channel's posts, comments and the like can be hidden");
                continue;
            }
            if (store.dropBody(id)) host.event("channel " + h.handle() + ": dropped the body of " + id + ", hidden by an admin");
        }
    }

    private final Set<EntryId> refusedHides = new HashSet<>();

    /** Set while this node writes a re-key, whose parts settle the channel one by one. */
    private boolean rekeying;

    /** Posts this node's introduction in the channel's current epoch, once. */
    private void introduce(ChannelState h) {
        if (h.removed || h.with != null) return; // a conversation needs no introduction: each side knows the other's id
        ChannelState.Epoch e = h.current;
        if (store.headSeq(e.persona.id()) > 0) return;
        Introduction intro = Introduction.of(identity, e.persona, h.id, e.x25519.publicKey(), h.entry.as(), h.entry.anonymous());
        // A later persona names the first one of this node's line (the one it joined or created
        // with), which every member who can read this introduction can tell, however late it joined.
        if (e != h.base) intro = intro.continuing(h.base.persona, h.id, e.persona.id());
        publish(h, intro, List.of());
        h.settle(); // the new persona's line is known now: the owner and admins stay who they are at once
        announce(h);
    }

    /** The personas this node writes, one per epoch of each channel held. */
    public Set<AuthorId> ownPersonas() {
        Set<AuthorId> out = new HashSet<>();
        for (ChannelState h : byHandle.values()) out.addAll(h.ownPersonas());
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
        expectNewConversation(s);
        offer(s, byHandle.values());
    }

    /**
     * The one conversation a peer may open with this node is with the peer's own id, which its
     * handshake proved: its first secret is computed once per connection (no trial of anything
     * else), and its tag expected. A blocked person's is not.
     */
    private void expectNewConversation(Session s) {
        AuthorId peer = s.peer.id();
        if (conversationWith(peer) != null || peer.equals(identity.id()) || store.indexes().blocks(identity.id(), peer)) return;
        try {
            byte[] secret = DirectKeys.secret(identity, peer);
            ChannelId id = ChannelKeys.id(ChannelKeys.root(secret), DirectKeys.NO_OWNER);
            byte theirs = s.peer.outbound() ? MembershipTag.RESPONDER : MembershipTag.INITIATOR;
            s.newConversationTag = Key.of(MembershipTag.of(ChannelKeys.epoch(secret, id).tagKey(), theirs, s.peer.handshakeHash()));
            s.newConversationSecret = secret;
        } catch (Malformed notAKey) {
            // An id that is no key of full order: no conversation with it.
        }
    }

    /**
     * Sends {@code channels}' tags at their current epochs and the few before to the peer of {@code s} (padded with
     * random ones), and notes the tags the peer would send for each epoch held. Once when the
     * connection starts, and again for a channel created, joined or re-keyed while it lasts.
     */
    private void offer(Session s, Collection<ChannelState> channels) {
        List<byte[]> tags = new ArrayList<>();
        for (ChannelState h : channels) {
            // A conversation's tags go to the other person's node alone, and not once they are blocked.
            if (h.with != null && (!h.with.equals(s.peer.id()) || store.indexes().blocks(identity.id(), h.with))) continue;
            ChannelState.Epoch e = h.current;
            for (int i = 0; i < ANCESTORS_OFFERED + 1 && e != null; i++, e = e.parent == null ? null : h.epochs.get(e.parent)) {
                tags.add(tag(s, h, e));
            }
        }
        send(s, tags);
    }

    /** This node's tag for epoch {@code e} of {@code h} in the connection of {@code s}; notes the tags the peer would send for each epoch held. */
    private static byte[] tag(Session s, ChannelState h, ChannelState.Epoch e) {
        PeerChannel peer = s.peer;
        byte mine = peer.outbound() ? MembershipTag.INITIATOR : MembershipTag.RESPONDER;
        byte theirs = peer.outbound() ? MembershipTag.RESPONDER : MembershipTag.INITIATOR;
        byte[] hash = peer.handshakeHash();
        for (ChannelState.Epoch held : h.epochs.values()) s.expected.put(Key.of(MembershipTag.of(held.keys.tagKey(), theirs, hash)), new Proof(h, held.id));
        return MembershipTag.of(e.keys.tagKey(), mine, hash);
    }

    /** A ChannelTags message of {@code tags}, padded with random ones and shuffled. */
    private static void send(Session s, List<byte[]> tags) {
        int real = tags.size();
        tags = new ArrayList<>(tags);
        while (tags.size() < MembershipTag.padded(real)) {
            byte[] noise = new byte[MembershipTag.BYTES];
            RANDOM.nextBytes(noise);
            tags.add(noise);
        }
        Collections.shuffle(tags, RANDOM);
        ByteWriter w = new ByteWriter(8 + tags.size() * 32).varint(tags.size());
        for (byte[] t : tags) w.bytes(t);
        s.peer.send(new WireMessage.Extension(TAGS, w.toByteArray()));
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
        List<Proof> proven = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Key tag = Key.of(r.bytes(32, "tag"));
            if (tag.equals(s.newConversationTag)) {
                ChannelState opened = openConversation(s.peer.id(), s.newConversationSecret);
                s.newConversationTag = null;
                s.newConversationSecret = null;
                if (opened != null) offer(s, List.of(opened));
            }
            Proof p = s.expected.get(tag);
            if (p != null && byHandle.containsValue(p.channel())
                    && s.proven.computeIfAbsent(p.channel(), k -> ConcurrentHashMap.newKeySet()).add(p.epoch())) {
                proven.add(p);
            }
        }
        r.end("tags");
        if (proven.isEmpty()) return;
        List<byte[]> answer = new ArrayList<>();
        for (Proof p : proven) {
            sendFeeds(s, p.channel(), p.epoch());
            // The peer may have come to hold the channel after this node's tags went out, or hold
            // an older epoch only (a member back from offline): this node's tag for the epoch proven.
            if (s.answered.add(p.epoch())) answer.add(tag(s, p.channel(), p.channel().epochs.get(p.epoch())));
        }
        if (!answer.isEmpty()) send(s, answer);
        host.visibilityChanged(s.peer.id());
    }

    /**
     * Tells the peer the personas of {@code h} it may see, each with its epoch, under this node's
     * tag for {@code epoch} (one the peer proved, so that it can tell which channel this is).
     */
    private void sendFeeds(Session s, ChannelState h, Key epoch) {
        ChannelState.Epoch e = h.epochs.get(epoch);
        if (e == null) return;
        byte mine = s.peer.outbound() ? MembershipTag.INITIATOR : MembershipTag.RESPONDER;
        byte[] tag = MembershipTag.of(e.keys.tagKey(), mine, s.peer.handshakeHash());
        List<AuthorId> shown = new ArrayList<>();
        for (AuthorId p : h.personas.keySet()) {
            if (shows(s, h, h.epochOf(p))) shown.add(p);
        }
        // At most MAX_PERSONAS in one message: more go in several.
        for (int from = 0; from < shown.size() || from == 0; from += MAX_PERSONAS) {
            List<AuthorId> some = shown.subList(from, Math.min(shown.size(), from + MAX_PERSONAS));
            ByteWriter w = new ByteWriter(40 + some.size() * 64).bytes(tag).varint(some.size());
            for (AuthorId p : some) {
                Key of = h.epochOf(p);
                w.id(p).bytes(of == ChannelState.UNKNOWN ? new byte[32] : of.bytes());
            }
            s.peer.send(new WireMessage.Extension(FEEDS, w.toByteArray()));
        }
    }

    private void feeds(Session s, byte[] body) throws Malformed {
        ByteReader r = new ByteReader(body);
        ChannelState h = null;
        byte[] tag = r.bytes(32, "channel");
        Proof p = s.expected.get(Key.of(tag));
        if (p != null) h = p.channel();
        if (h == null || !s.proven.containsKey(h)) throw new Malformed("personas of a channel not proven in this connection");
        int n = r.length(MAX_PERSONAS, "persona count");
        if ((long) n * 64 > r.remaining()) throw new Malformed(n + " personas in " + r.remaining() + " bytes");
        List<AuthorId> added = new ArrayList<>();
        byte[] none = new byte[32];
        for (int i = 0; i < n; i++) {
            AuthorId persona = r.author("persona");
            byte[] epoch = r.bytes(32, "epoch");
            if (h.personas.size() >= MAX_PERSONAS_HELD) continue;
            if (byPersona.containsKey(persona) && byPersona.get(persona) != h) continue; // one persona, one channel
            if (h.personas.containsKey(persona)) continue;
            // What the persona's entries say of its epoch will count over this.
            h.personas.put(persona, java.util.Arrays.equals(epoch, none) ? ChannelState.UNKNOWN : Key.of(epoch));
            byPersona.put(persona, h);
            added.add(persona);
        }
        r.end("personas");
        if (added.isEmpty()) return;
        save();
        host.interestChanged();
        for (Session other : sessions.values()) {
            Set<Key> proven = other.proven.get(h);
            if (proven != null && !proven.isEmpty()) {
                sendFeeds(other, h, proven.iterator().next());
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
                ChannelState h = byPersona.get(feed);
                return h == null || shows(sessions.get(peer), h, h.epochOf(feed));
            }

            @Override
            public boolean blob(AuthorId peer, BlobId blob) {
                Proof p = blobs.get(blob);
                return p == null || shows(sessions.get(peer), p.channel(), p.epoch());
            }
        };
    }

    /** Whether the peer of {@code s} proved an epoch of {@code h} that {@code epoch} is, or came before. */
    private static boolean shows(Session s, ChannelState h, Key epoch) {
        if (s == null) return false;
        Set<Key> proven = s.proven.get(h);
        if (proven == null) return false;
        if (h.with != null) return !proven.isEmpty(); // only the other person can prove a conversation, at any of its epochs
        for (Key k : proven) {
            if (h.covers(k, epoch)) return true;
        }
        return false;
    }

    @Override
    public List<Interest.Rule> interest() {
        return List.of(new Interest.Rule() {
            @Override
            public Set<AuthorId> wants(Indexes indexes, AuthorId self, Set<AuthorId> excluded) {
                Set<AuthorId> out = new HashSet<>();
                // A removed member's personas are not replicated further (what is held of them stays).
                // Nor is a conversation with someone blocked.
                // A message request's sender is wanted up to what it keeps.
                byPersona.forEach((p, h) -> {
                    if (h.isExcluded(p) || h.with != null && indexes.blocks(self, h.with)) return;
                    if (h.with != null && !h.ownPersonas().contains(p) && isRequest(h) && store.headSeq(p) >= MAX_REQUEST_ENTRIES) return;
                    out.add(p);
                });
                return out;
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
        ChannelState h = new ChannelState(new ChannelBook.Entry(handle, name, network, hex.formatHex(root), hex.formatHex(persona.id().bytes()),
                hex.formatHex(first), false, "", List.of(), List.of()), identity);
        add(h);
        return h.id;
    }

    /** Joins the channel of {@code invite} under the local handle {@code handle}. */
    public ChannelId join(ChannelInvite invite, String handle, boolean anonymous, String as) {
        checkNewHandle(handle);
        for (ChannelState h : byHandle.values()) {
            if (h.id.equals(invite.channel())) throw new IllegalStateException("you hold this channel already, as '" + h.handle() + "'");
        }
        HexFormat hex = HexFormat.of();
        ChannelState h = new ChannelState(new ChannelBook.Entry(handle, invite.name(), invite.network(), hex.formatHex(invite.root()),
                hex.formatHex(invite.owner().bytes()), hex.formatHex(invite.secret()), anonymous, as == null ? "" : as, List.of(),
                invite.admins().stream().map(a -> hex.formatHex(a.bytes())).toList()), identity);
        add(h);
        return h.id;
    }

    private void add(ChannelState h) {
        byHandle.put(h.handle(), h);
        index(h);
        readAll(h, null);
        save();
        for (Session s : sessions.values()) offer(s, List.of(h));
        host.authored(ownPersonas());
        host.interestChanged();
        introduce(h);
        announce(h);
    }

    /**
     * Tells the members of every channel held (but those joined anonymously: the id would name
     * this node) where this node can be reached, when that is not what it told them last.
     */
    public void announce() {
        for (ChannelState h : byHandle.values()) announce(h);
    }

    private void announce(ChannelState h) {
        if (h.entry.anonymous() || h.removed || h.with != null) return; // a conversation's two nodes know each other's address
        List<String> here = host.reachableAt();
        if (here.isEmpty()) return;
        Reachable last = null;
        for (Entry e : store.log(h.current.persona.id(), 1, Integer.MAX_VALUE)) {
            Sealing.Opened o = h.open(e);
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
        ChannelState h = held(handle);
        writable(h);
        List<AuthorId> admins = new ArrayList<>();
        for (ChannelState.Intro m : h.members().values()) {
            if (h.isAuthority(m.persona()) && admins.size() < ChannelInvite.MAX_ADMINS) admins.add(m.persona());
        }
        return new ChannelInvite(h.entry.network(), h.entry.name(), h.root, h.owner, h.current.secret, admins, addresses);
    }

    /** Seals {@code content} (with the keys of the blobs it attaches) into the channel {@code handle}. */
    public Entry post(String handle, Content content, List<Sealing.BlobKey> keys) {
        ChannelState h = held(handle);
        writable(h);
        for (Sealing.BlobKey k : keys) blobs.put(k.blob(), new Proof(h, h.current.id));
        return publish(h, content, keys);
    }

    private void writable(ChannelState h) {
        if (h.removed) throw new IllegalStateException("you were removed from '" + h.handle() + "': what you held stays, nothing new comes or goes");
    }

    private Entry publish(ChannelState h, Content content, List<Sealing.BlobKey> keys) {
        ChannelState.Epoch e = h.current;
        long seq = store.headSeq(e.persona.id()) + 1;
        Sealed sealed = Sealing.seal(content, keys, e.keys, new Sealing.Place(h.id, e.persona.id(), seq));
        Entry entry = host.publish(e.persona, sealed);
        h.personas.put(e.persona.id(), e.id);
        byPersona.put(e.persona.id(), h);
        boolean opened = take(h, entry, null, false);
        if (opened) readAll(h, null);
        return entry;
    }

    /**
     * Makes the member {@code who} (a persona of the channel) an admin, or a plain member again.
     * Only the owner or an admin may; members' nodes ignore it from anyone else. The owner stays
     * the owner.
     */
    public void role(String handle, AuthorId who, boolean admin) {
        ChannelState h = held(handle);
        writable(h);
        mayModerate(h);
        if (!admin && h.isOwner(who)) throw new IllegalArgumentException("the owner is always an admin");
        publish(h, new Role(who, admin ? Role.ADMIN : Role.MEMBER), List.of());
        settle(h);
    }

    /**
     * Removes the member {@code who}: a re-key admitting every member known but them. What the
     * member's node already holds stays with it; it is served nothing newer.
     */
    public void remove(String handle, AuthorId who) {
        ChannelState h = held(handle);
        writable(h);
        mayModerate(h);
        if (h.isOwner(who)) throw new IllegalArgumentException("the owner cannot be removed");
        if (h.lineOf(who).equals(h.lineOf(h.current.persona.id()))) throw new IllegalArgumentException("to remove yourself, leave the channel");
        rekey(h, Set.of(h.lineOf(who)));
    }

    /** Hides a channel entry: members' nodes drop its body. */
    public void hide(String handle, EntryId entry) {
        ChannelState h = held(handle);
        writable(h);
        mayModerate(h);
        publish(h, new Hide(entry), List.of());
        settle(h);
    }

    private void mayModerate(ChannelState h) {
        if (!h.isAuthority(h.current.persona.id())) throw new IllegalStateException("only the owner or an admin of '" + h.handle() + "' may do that");
    }

    /**
     * A re-key of {@code h} from its current epoch, admitting the latest persona of every member
     * whose introduction is held, but those of the lines {@code out}; split into parts.
     */
    private void rekey(ChannelState h, Set<AuthorId> out) {
        Map<AuthorId, byte[]> admitted = new LinkedHashMap<>();
        admitted.put(h.current.persona.id(), h.current.x25519.publicKey());
        for (ChannelState.Intro m : h.members().values()) {
            if (m.introduction() == null || out.contains(h.lineOf(m.persona()))) continue;
            admitted.putIfAbsent(m.persona(), m.introduction().x25519());
        }
        byte[] secret = new byte[ChannelKeys.SECRET_BYTES];
        RANDOM.nextBytes(secret);
        List<Rekey> parts = Rekey.seal(h.id, secret, admitted);
        host.event("channel " + h.handle() + ": re-keyed for " + admitted.size() + " members in " + parts.size() + " part(s)");
        rekeying = true;
        try {
            for (Rekey part : parts) publish(h, part, List.of());
        } finally {
            rekeying = false;
        }
        settle(h);
    }

    /** One channel entry opened: who wrote it, what it says, the keys of its blobs. */
    public record Item(Entry entry, AuthorId persona, Content content, List<Sealing.BlobKey> keys) {}

    /**
     * A member as this node knows them: their latest persona, the name it goes by, the public id
     * it revealed (null if anonymous), and whether they are the owner or an admin.
     */
    public record Member(AuthorId persona, String name, AuthorId member, boolean owner, boolean admin) {}

    /** Every entry of the channel's personas this node holds and can open, oldest first. */
    public List<Item> entries(String handle) {
        ChannelState h = held(handle);
        List<Item> out = new ArrayList<>();
        for (AuthorId p : h.personas.keySet()) {
            for (Entry e : store.log(p, 1, Integer.MAX_VALUE)) {
                Sealing.Opened o = h.open(e);
                if (o == null) continue;
                out.add(new Item(e, p, o.content(), o.keys()));
            }
        }
        out.sort(java.util.Comparator.comparingLong((Item i) -> i.entry().header().timestamp()).thenComparing(i -> i.entry().id()));
        return out;
    }

    /** The members now, one per member (their latest persona), those removed left out. */
    public List<Member> members(String handle) {
        ChannelState h = held(handle);
        List<Member> out = new ArrayList<>();
        for (ChannelState.Intro m : h.members().values()) {
            Introduction intro = m.introduction();
            if (intro == null) continue;
            AuthorId member = intro.provesMember(h.id, m.persona()) ? intro.member() : null;
            out.add(new Member(m.persona(), intro.name(), member, h.isOwner(m.persona()), h.isAuthority(m.persona())));
        }
        return out;
    }

    /** A channel held: handle, display name, id, network, how many members are known, whether this node is its owner, owner or admin, and whether it was removed. */
    public record Summary(String handle, String name, ChannelId id, String network, int personas, boolean owner, boolean admin, boolean removed) {}

    public List<Summary> list() {
        List<Summary> out = new ArrayList<>();
        for (ChannelState h : byHandle.values()) {
            if (h.with == null) out.add(summary(h));
        }
        return out;
    }

    // ---- conversations

    /** The most conversations others opened that the user has not answered (message requests) a node takes in. */
    public static final int MAX_REQUESTS = 100;

    private ChannelState conversationWith(AuthorId person) {
        return byHandle.get(conversationHandle(person));
    }

    private static String conversationHandle(AuthorId person) {
        return person.toString();
    }

    /** Holds the conversation with {@code person} from now on; null when too many requests wait already. */
    private ChannelState openConversation(AuthorId person, byte[] secret) {
        ChannelState held = conversationWith(person);
        if (held != null) return held;
        long waiting = byHandle.values().stream().filter(this::isRequest).count();
        if (waiting >= MAX_REQUESTS) {
            host.event("a conversation from " + person + " is not taken in: " + MAX_REQUESTS + " message requests wait already");
            return null;
        }
        HexFormat hex = HexFormat.of();
        byte[] root = ChannelKeys.root(secret);
        ChannelState h = new ChannelState(new ChannelBook.Entry(conversationHandle(person), person.toString(), "", hex.formatHex(root),
                hex.formatHex(DirectKeys.NO_OWNER.bytes()), hex.formatHex(secret), false, "", List.of(), List.of(),
                new ChannelBook.Dm(person.toString(), 0, false, List.of(), List.of(), 0)), identity);
        add(h);
        return h;
    }

    /** A conversation the other person opened that this node has not written in, with someone the user does not follow. */
    private boolean isRequest(ChannelState h) {
        return h.with != null && !h.entry.dm().accepted() && !store.indexes().following(identity.id()).contains(h.with);
    }

    /** Takes up the conversation {@code person} opened without answering it: it is no longer a message request. */
    public void accept(AuthorId person) {
        ChannelState h = conversationWith(person);
        if (h == null) throw new IllegalStateException("no conversation with " + person);
        accepted(h);
    }

    private void accepted(ChannelState h) {
        if (h.entry.dm().accepted()) return;
        boolean wasRequest = isRequest(h);
        h.entry = h.entry.withDm(h.entry.dm().withAccepted());
        save();
        if (!wasRequest) return;
        host.interestChanged(); // a sender held at the cap is wanted again
        // What the request attached was not fetched while it was one.
        List<Sealing.BlobKey> keys = new ArrayList<>();
        for (Item i : entries(h.handle())) keys.addAll(i.keys());
        if (!keys.isEmpty()) host.fetch(keys);
    }

    /**
     * Sends {@code content} to {@code person}: into the conversation with them, opened here if it
     * is the first message, and dials them when not connected. The entry written.
     */
    public Entry message(AuthorId person, Content content, List<Sealing.BlobKey> keys) {
        if (person.equals(identity.id())) throw new IllegalArgumentException("a message to yourself goes nowhere: write a note with 'post' instead");
        ChannelState h = conversationWith(person);
        if (h == null) {
            byte[] first;
            try {
                first = DirectKeys.secret(identity, person);
            } catch (Malformed notAKey) {
                throw new IllegalArgumentException(person + " cannot be written to: " + notAKey.getMessage());
            }
            h = openConversation(person, first);
            if (h == null) throw new IllegalStateException("too many conversations wait for an answer");
        }
        accepted(h);
        freshen(h);
        for (Sealing.BlobKey k : keys) blobs.put(k.blob(), new Proof(h, h.current.id));
        Entry e = publish(h, content, keys);
        host.reach(person);
        return e;
    }

    /** How many of its own fresh private keys a node keeps per conversation: the other side may still write to the older ones. */
    static final int FRESH_KEPT = 3;

    /**
     * Before a message: posts a fresh key when this node has none in the conversation yet, or the
     * other side posted one since this node last did, so that each turn of the conversation moves
     * it to an epoch made from keys neither identity key can give. The private key is in the book
     * before the public one is posted; only the newest few are kept.
     */
    private void freshen(ChannelState h) {
        ChannelBook.Dm dm = h.entry.dm();
        if (h.postedFresh() && h.theirFreshCount() <= dm.theirsSeen()) return;
        X25519KeyPair fresh = X25519KeyPair.generate();
        List<String> kept = new ArrayList<>(dm.fresh());
        kept.add(HexFormat.of().formatHex(fresh.privateKey()));
        while (kept.size() > FRESH_KEPT) kept.remove(0);
        h.entry = h.entry.withDm(dm.withFresh(kept, h.theirFreshCount()));
        save();
        publish(h, new FreshKey(fresh.publicKey()), List.of());
        settle(h);
    }

    /**
     * A conversation as listed: with whom, whether it is a request, how many messages each way,
     * the newest (and whether this node wrote it), how many of theirs are unread, and whether the
     * other side's node has acknowledged the newest message sent.
     */
    public record Conversation(AuthorId with, boolean request, int sent, int received, Item last, boolean lastMine, int unread, boolean delivered) {}

    /** Whether the conversation with {@code person} is a message request (false when there is none). */
    public boolean isRequest(AuthorId person) {
        ChannelState h = conversationWith(person);
        return h != null && isRequest(h);
    }

    /** The conversations held, the most recent first. */
    public List<Conversation> conversations() {
        List<Conversation> out = new ArrayList<>();
        for (ChannelState h : byHandle.values()) {
            if (h.with == null) continue;
            List<Item> items = messages(h);
            Set<AuthorId> mine = h.ownPersonas();
            int sent = (int) items.stream().filter(i -> mine.contains(i.persona())).count();
            int unread = (int) items.stream().filter(i -> !mine.contains(i.persona()) && i.entry().header().timestamp() > h.entry.dm().read()).count();
            Item lastSent = null;
            for (Item i : items) if (mine.contains(i.persona())) lastSent = i;
            Item last = items.isEmpty() ? null : items.get(items.size() - 1);
            out.add(new Conversation(h.with, isRequest(h), sent, items.size() - sent, last, last != null && mine.contains(last.persona()), unread,
                    lastSent != null && delivered(h, lastSent)));
        }
        out.sort(Comparator.comparingLong((Conversation c) -> c.last() == null ? 0 : c.last().entry().header().timestamp()).reversed());
        return out;
    }

    /** The messages of the conversation with {@code person}, oldest first; with {@code markRead}, they count as read from now on. */
    public List<Item> conversation(AuthorId person, boolean markRead) {
        ChannelState h = conversationWith(person);
        if (h == null) return List.of();
        List<Item> items = messages(h);
        if (markRead && !items.isEmpty()) {
            long newest = items.get(items.size() - 1).entry().header().timestamp();
            if (newest > h.entry.dm().read()) {
                h.entry = h.entry.withDm(h.entry.dm().withRead(newest));
                save();
            }
        }
        return items;
    }

    /** The messages of a conversation (its acknowledgements left out), oldest first. */
    private List<Item> messages(ChannelState h) {
        List<Item> out = new ArrayList<>(entries(h.handle()));
        out.removeIf(i -> i.content() instanceof Received || i.content() instanceof FreshKey);
        return out;
    }

    /**
     * How far the other side's node acknowledged holding this node's side of the conversation with
     * {@code person}: the highest sequence number of this node's persona a Received names; 0 when none.
     * A message of this node's is delivered when its sequence number is at most that.
     */
    public long acknowledged(AuthorId person) {
        ChannelState h = conversationWith(person);
        return h == null ? 0 : acknowledged(h);
    }

    private long acknowledged(ChannelState h) {
        AuthorId mine = h.base.persona.id(); // one persona a side in a conversation
        long most = 0;
        for (AuthorId p : h.personas.keySet()) {
            if (p.equals(mine)) continue;
            for (Entry e : store.log(p, 1, Integer.MAX_VALUE)) {
                Sealing.Opened o = h.open(e);
                if (o != null && o.content() instanceof Received r && r.persona().equals(mine)) most = Math.max(most, r.seq());
            }
        }
        return most;
    }

    private boolean delivered(ChannelState h, Item sent) {
        return sent.entry().header().seq() <= acknowledged(h);
    }

    /** Whether the entry came from this node's side of its conversation. */
    public boolean isMine(Item i) {
        return ownPersonas().contains(i.persona());
    }

    /** The people with whom a conversation waits on a meeting: those this node wrote to last. */
    public Set<AuthorId> correspondentsToReach() {
        Set<AuthorId> out = new HashSet<>();
        for (ChannelState h : byHandle.values()) {
            if (h.with == null || store.indexes().blocks(identity.id(), h.with)) continue;
            // By the heads' times alone: this runs every tick, over every conversation.
            Set<AuthorId> mine = h.ownPersonas();
            long mineLast = 0;
            long theirsLast = 0;
            for (AuthorId p : h.personas.keySet()) {
                long head = store.headSeq(p);
                if (head == 0) continue;
                long t = store.get(p, head).map(e -> e.header().timestamp()).orElse(0L);
                if (mine.contains(p)) mineLast = Math.max(mineLast, t);
                else theirsLast = Math.max(theirsLast, t);
            }
            if (mineLast > theirsLast) out.add(h.with);
        }
        return out;
    }

    /** One channel held, as {@link #list} shows it. */
    public Summary summary(String handle) {
        return summary(held(handle));
    }

    private static Summary summary(ChannelState h) {
        return new Summary(h.handle(), h.entry.name(), h.id, h.entry.network(), h.members().size(), h.isOwner(h.current.persona.id()),
                h.isAuthority(h.current.persona.id()), h.removed);
    }

    /**
     * Stops holding the channel {@code handle}: its secret leaves the book and its personas are no
     * longer replicated or served here (what is stored of them stays until the store drops it).
     */
    public void leave(String handle) {
        ChannelState h = held(handle);
        byHandle.remove(handle);
        byPersona.values().removeIf(x -> x == h);
        blobs.values().removeIf(x -> x.channel() == h);
        for (Session s : sessions.values()) s.proven.remove(h);
        save();
        host.authored(ownPersonas());
        host.interestChanged();
    }

    /** Whether a blob is a channel blob this node knows. */
    public boolean isChannelBlob(BlobId blob) {
        return blobs.containsKey(blob);
    }

    private ChannelState held(String handle) {
        ChannelState h = byHandle.get(handle);
        if (h == null) throw new IllegalStateException("no channel named '" + handle + "' here ('grapevine channel ls' lists them)");
        return h;
    }

    private void save() {
        List<ChannelBook.Entry> entries = new ArrayList<>();
        for (ChannelState h : byHandle.values()) {
            List<String> personas = new ArrayList<>();
            for (AuthorId p : h.personas.keySet()) personas.add(HexFormat.of().formatHex(p.bytes()));
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
