package org.grapevine.node.channel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelKeys;
import org.grapevine.identity.channel.DirectKeys;
import org.grapevine.identity.channel.FreshKey;
import org.grapevine.identity.channel.Hide;
import org.grapevine.identity.channel.Introduction;
import org.grapevine.identity.channel.Rekey;
import org.grapevine.identity.channel.Role;
import org.grapevine.identity.channel.Sealed;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.log.Entry;

/**
 * One channel held, as this node's store tells it (docs/PROTOCOL.md, "Channel epochs"): the
 * epochs whose secrets it holds and how they descend from each other, every persona with the
 * epoch it writes in, who continues whom across re-keys, the owner and admins, the re-keys and
 * which of them won, who was removed, and the entries hidden. Worked out from the entries alone,
 * so every node holding the same entries comes to the same answer. Written on the node loop;
 * the epoch and persona maps are read by the visibility rule from other threads too.
 */
final class ChannelState {
    /** A 32-byte value as a map key. */
    record Key(String hex) {
        static Key of(byte[] b) {
            return new Key(HexFormat.of().formatHex(b));
        }

        byte[] bytes() {
            return HexFormat.of().parseHex(hex);
        }
    }

    /** An epoch whose secret this node holds; {@code parent} is null for the one it started from. */
    static final class Epoch {
        final byte[] secret;
        final ChannelKeys.Epoch keys;
        final Key id;
        final Key parent;
        /** This node's persona in the epoch, and its X25519 key. */
        final Identity persona;
        final X25519KeyPair x25519;

        Epoch(byte[] secret, ChannelKeys.Epoch keys, Key parent, Identity persona, X25519KeyPair x25519) {
            this.secret = secret.clone();
            this.keys = keys;
            this.id = Key.of(keys.id());
            this.parent = parent;
            this.persona = persona;
            this.x25519 = x25519;
        }
    }

    /**
     * A re-key as its parts tell it: by whom, from which epoch, to which, admitting whom. Parts
     * belong together when they agree on all four of epoch, author, parent and part count, so
     * that a part someone else writes under the same epoch id makes a re-key of its own rather
     * than spoiling this one.
     */
    record ProposalKey(Key epoch, AuthorId by, Key parent, int parts) {}

    static final class Proposal {
        final AuthorId by;
        final Key parent;
        final Key epoch;
        final int parts;
        final Map<Integer, Rekey> seen = new HashMap<>();
        final long timestamp;

        Proposal(AuthorId by, Key parent, Rekey first, long timestamp) {
            this.by = by;
            this.parent = parent;
            this.epoch = Key.of(first.epoch());
            this.parts = first.parts();
            this.timestamp = timestamp;
        }

        boolean complete() {
            return seen.size() == parts;
        }

        Set<AuthorId> admitted() {
            Set<AuthorId> out = new HashSet<>();
            for (Rekey r : seen.values()) r.recipients().forEach(x -> out.add(x.persona()));
            return out;
        }
    }

    /** An introduction as held: the persona's epoch and what it says. */
    record Intro(AuthorId persona, Key epoch, Introduction introduction) {}

    private record Stamped<T>(AuthorId author, long timestamp, EntryId id, T content) {}

    ChannelBook.Entry entry;
    /** For a conversation, the other person (whose node alone is offered its tags); null for a channel. */
    final AuthorId with;
    final ChannelId id;
    final byte[] root;
    final AuthorId owner;
    private final Identity identity;
    /** Epochs whose secret is held, by id. */
    final Map<Key, Epoch> epochs = new ConcurrentHashMap<>();
    final Epoch base;
    volatile Epoch current;
    /** A re-key this node follows admits none of its personas. */
    boolean removed;
    /** The channel's personas and the epoch each writes in ({@link #UNKNOWN} until known). */
    final Map<AuthorId, Key> personas = new ConcurrentHashMap<>();
    static final Key UNKNOWN = new Key("");

    // What the entries say, by entry id so that reading one twice changes nothing.
    private final Map<AuthorId, Intro> intros = new HashMap<>();
    private final Map<EntryId, Stamped<Role>> roles = new HashMap<>();
    private final Map<EntryId, Stamped<Hide>> hides = new HashMap<>();
    private final Map<ProposalKey, Proposal> proposals = new HashMap<>();
    private final Set<EntryId> absorbed = new HashSet<>();

    // Worked out by settle().
    private Map<AuthorId, AuthorId> lineage = Map.of();
    private Set<AuthorId> authorities = Set.of();
    private Set<AuthorId> excluded = Set.of();
    private Set<EntryId> hidden = Set.of();
    /** Re-keys that count: complete, by an authority when written, admitting the owner, from an epoch to another. */
    private List<Proposal> counting = List.of();
    /** Re-keys, roles and hides from members who may not make them, each told once (by entry or epoch id). */
    private final Set<String> told = new HashSet<>();
    private final List<String> ignored = new ArrayList<>();

    ChannelState(ChannelBook.Entry entry, Identity identity) {
        this.entry = entry;
        this.identity = identity;
        HexFormat hex = HexFormat.of();
        this.root = hex.parseHex(entry.root());
        this.owner = new AuthorId(hex.parseHex(entry.owner()));
        this.id = ChannelKeys.id(root, owner);
        this.with = entry.dm() == null ? null : AuthorId.parse(entry.dm().with());
        this.base = epoch(hex.parseHex(entry.secret()), null);
        epochs.put(base.id, base);
        this.current = base;
        for (String p : entry.personas()) personas.putIfAbsent(new AuthorId(hex.parseHex(p)), UNKNOWN);
        if (with == null) personas.putIfAbsent(owner, UNKNOWN); // a conversation has no owner
        else personas.remove(owner);
        personas.put(base.persona.id(), base.id);
    }

    private Epoch epoch(byte[] secret, Key parent) {
        ChannelKeys.Epoch keys = ChannelKeys.epoch(secret, id);
        // In a conversation each side writes one persona's log, whatever the epoch.
        if (with != null && base != null) return new Epoch(secret, keys, parent, base.persona, base.x25519);
        if (ChannelKeys.isFirst(secret, root)) {
            return new Epoch(secret, keys, parent, ChannelKeys.persona(identity, root), ChannelKeys.personaX25519(identity, root));
        }
        return new Epoch(secret, keys, parent, ChannelKeys.persona(identity, root, keys.id()), ChannelKeys.personaX25519(identity, root, keys.id()));
    }

    String handle() {
        return entry.handle();
    }

    /** This node's personas, one per epoch held. */
    Set<AuthorId> ownPersonas() {
        Set<AuthorId> out = new HashSet<>();
        for (Epoch e : epochs.values()) out.add(e.persona.id());
        return out;
    }

    /** The epoch persona {@code p} writes in, {@link #UNKNOWN} when not known here. */
    Key epochOf(AuthorId p) {
        return personas.getOrDefault(p, UNKNOWN);
    }

    /**
     * Whether what is written in epoch {@code e} may be shown to a peer proven at epoch {@code
     * proven}: {@code e} is {@code proven} or came before it. An epoch not known here is older
     * than those held (a node learns newer ones only from re-keys it can open).
     */
    boolean covers(Key proven, Key e) {
        if (e == UNKNOWN || !epochs.containsKey(e)) return true;
        for (Key k = proven; k != null; ) {
            if (k.equals(e)) return true;
            Epoch ep = epochs.get(k);
            k = ep == null ? null : ep.parent;
        }
        return false;
    }

    /** What a persona's entry says, or null when it is not a sealed body this node can open. */
    Sealing.Opened open(Entry e) {
        if (!e.hasContent() || e.header().contentType() != Content.SEALED) return null;
        try {
            Sealed sealed = (Sealed) e.decodeContent();
            Epoch ep = epochs.get(Key.of(sealed.epochId()));
            if (ep == null) return null;
            return Sealing.open(sealed, ep.keys, new Sealing.Place(id, e.header().author(), e.header().seq()));
        } catch (Malformed bad) {
            return null;
        }
    }

    /** The epoch a persona's entry is sealed under, read from the body without opening it; null when it is not sealed. */
    static Key sealedEpoch(Entry e) {
        if (!e.hasContent() || e.header().contentType() != Content.SEALED) return null;
        try {
            return Key.of(((Sealed) e.decodeContent()).epochId());
        } catch (Malformed bad) {
            return null;
        }
    }

    /**
     * Takes in one entry of one of the channel's personas, {@code o} being what {@link #open}
     * made of it. True when it made a new epoch known (a re-key that admits one of this node's
     * personas): entries sealed under it, read before, can be opened now.
     */
    boolean absorb(Entry e, Sealing.Opened o) {
        AuthorId author = e.header().author();
        Key sealedUnder = sealedEpoch(e);
        // A persona writes in the epoch its first entry is sealed under: that counts over what peers said.
        if (sealedUnder != null && e.header().seq() == 1) personas.put(author, sealedUnder);
        if (o == null || !absorbed.add(e.id())) return false;
        Content c = o.content();
        long ts = e.header().timestamp();
        if (c instanceof Introduction i && e.header().seq() == 1) {
            intros.put(author, new Intro(author, sealedUnder, i));
        } else if (c instanceof Role r) {
            roles.put(e.id(), new Stamped<>(author, ts, e.id(), r));
        } else if (c instanceof Hide h) {
            hides.put(e.id(), new Stamped<>(author, ts, e.id(), h));
        } else if (c instanceof FreshKey f && with != null) {
            (author.equals(base.persona.id()) ? ownFresh : theirFresh).put(e.header().seq(), f.key());
        } else if (c instanceof Rekey r) {
            Key to = Key.of(r.epoch());
            Proposal p = proposals.computeIfAbsent(new ProposalKey(to, author, sealedUnder, r.parts()), k -> new Proposal(author, sealedUnder, r, ts));
            p.seen.putIfAbsent(r.part(), r);
            if (!epochs.containsKey(to)) {
                for (Epoch mine : List.copyOf(epochs.values())) {
                    try {
                        byte[] secret = r.open(id, mine.persona.id(), mine.x25519);
                        if (secret != null) {
                            Epoch learned = epoch(secret, sealedUnder);
                            epochs.put(learned.id, learned);
                            personas.put(learned.persona.id(), learned.id);
                            return true;
                        }
                    } catch (Malformed bad) {
                        // Sealed to this persona but not opening to the epoch named: nothing learned.
                    }
                }
            }
        }
        return false;
    }

    // A conversation's fresh keys, by the sequence number of the entry that posted them.
    private final java.util.TreeMap<Long, byte[]> ownFresh = new java.util.TreeMap<>();
    private final java.util.TreeMap<Long, byte[]> theirFresh = new java.util.TreeMap<>();
    /** Set when settling made an epoch secret from fresh keys that the book does not keep yet. */
    private boolean derivedNew;

    /** How many fresh keys the other side of a conversation has posted (as read here). */
    int theirFreshCount() {
        return theirFresh.size();
    }

    /** Whether this node has posted a fresh key in the conversation. */
    boolean postedFresh() {
        return !ownFresh.isEmpty();
    }

    /** True once, after settling made epoch secrets the book should keep. */
    boolean takeDerivedNew() {
        boolean d = derivedNew;
        derivedNew = false;
        return d;
    }

    /**
     * A conversation's epochs from fresh keys (docs/PROTOCOL.md, "Conversations"): those the book
     * keeps the secrets of, and one for each pair of an own fresh key whose private key is still
     * kept and a fresh key of the other side. The current epoch is that of the newest own key
     * and the newest of theirs; before both sides posted one, the first.
     */
    private void settleFresh() {
        HexFormat hex = HexFormat.of();
        for (String d : entry.dm().derived()) {
            byte[] secret = hex.parseHex(d);
            Key k = Key.of(ChannelKeys.epoch(secret, id).id());
            if (!epochs.containsKey(k)) epochs.put(k, epoch(secret, base.id));
        }
        Map<Key, X25519KeyPair> privates = new HashMap<>();
        for (String f : entry.dm().fresh()) {
            X25519KeyPair kp = X25519KeyPair.fromPrivateKey(hex.parseHex(f));
            privates.put(Key.of(kp.publicKey()), kp);
        }
        List<String> derived = new ArrayList<>(entry.dm().derived());
        Epoch latest = null;
        for (byte[] own : ownFresh.values()) {
            X25519KeyPair kp = privates.get(Key.of(own));
            if (kp == null) continue;
            for (byte[] theirs : theirFresh.values()) {
                byte[] secret;
                try {
                    secret = DirectKeys.freshSecret(base.secret, identity.id(), kp, with, theirs);
                } catch (Malformed bad) {
                    continue; // a key of small order: no epoch from it
                }
                Key k = Key.of(ChannelKeys.epoch(secret, id).id());
                if (!epochs.containsKey(k)) epochs.put(k, epoch(secret, base.id));
                if (!derived.contains(hex.formatHex(secret))) derived.add(hex.formatHex(secret));
                if (own == ownFresh.lastEntry().getValue() && theirs == theirFresh.lastEntry().getValue()) latest = epochs.get(k);
            }
        }
        if (derived.size() > entry.dm().derived().size()) {
            entry = entry.withDm(entry.dm().withDerived(derived));
            derivedNew = true;
        }
        current = latest != null ? latest : base;
    }

    /** Forgets what was read (to read everything again once a new epoch opens more of it). */
    void forget() {
        absorbed.clear();
    }

    /**
     * Works out from what was read: who continues whom, the owner and admins, which re-keys
     * count and which won, this node's current epoch, who was removed, and what is hidden. True
     * when the current epoch, the members removed or whether this node was removed changed.
     */
    boolean settle() {
        Epoch wasAt = current;
        Set<AuthorId> wasOut = excluded;
        boolean wasRemoved = removed;
        // Who continues whom: a persona's lineage is the first persona of its member this node knows.
        Map<AuthorId, AuthorId> line = new HashMap<>();
        for (AuthorId p : personas.keySet()) line.put(p, lineageOf(p, new HashSet<>()));
        for (Epoch e : epochs.values()) line.put(e.persona.id(), lineageOf(e.persona.id(), new HashSet<>()));
        lineage = line;

        // The owner and admins: the owner's line and those the invite named, then roles, re-keys
        // and hides in order of time (ties by id), each judged by who was owner or admin when it
        // was written: demoting an admin leaves what they did before standing.
        record Act(long timestamp, String id, Object what) {}
        List<Act> acts = new ArrayList<>();
        roles.values().forEach(r -> acts.add(new Act(r.timestamp(), r.id().toString(), r)));
        hides.values().forEach(h -> acts.add(new Act(h.timestamp(), h.id().toString(), h)));
        for (Proposal p : proposals.values()) {
            if (p.complete()) acts.add(new Act(p.timestamp, p.epoch.hex() + p.by, p));
        }
        acts.sort(Comparator.comparingLong(Act::timestamp).thenComparing(Act::id));
        AuthorId ownerLine = lineOf(owner);
        Set<AuthorId> auth = new HashSet<>();
        auth.add(ownerLine);
        for (String a : entry.admins()) auth.add(lineOf(new AuthorId(HexFormat.of().parseHex(a))));
        List<Proposal> valid = new ArrayList<>();
        Set<EntryId> h = new HashSet<>();
        for (Act act : acts) {
            if (act.what() instanceof Stamped<?> st && st.content() instanceof Role role) {
                if (!auth.contains(lineOf(st.author()))) {
                    ignore(act.id(), "a role given by " + st.author() + ", who is not the owner or an admin");
                    continue;
                }
                AuthorId target = lineOf(role.persona());
                if (role.role() == Role.ADMIN) auth.add(target);
                else if (!target.equals(ownerLine)) auth.remove(target);
            } else if (act.what() instanceof Stamped<?> st && st.content() instanceof Hide hide) {
                if (auth.contains(lineOf(st.author()))) h.add(hide.entry());
                else ignore(act.id(), "a hide of " + hide.entry() + " by " + st.author() + ", who is not the owner or an admin");
            } else if (act.what() instanceof Proposal p) {
                if (!auth.contains(lineOf(p.by))) {
                    ignore(act.id(), "a re-key by " + p.by + ", who is not the owner or an admin");
                } else if (!admittedLines(p).contains(ownerLine)) {
                    ignore(act.id(), "a re-key by " + p.by + " that leaves out the owner");
                } else if (p.epoch.equals(p.parent) || p.epoch.equals(base.id)) {
                    ignore(act.id(), "a re-key by " + p.by + " to an epoch it does not come before");
                } else {
                    valid.add(p);
                }
            }
        }
        authorities = auth;
        hidden = h;
        counting = valid;

        // Re-keys that count, by the epoch they replace; every member of that epoch one leaves out is excluded.
        Map<Key, List<Proposal>> children = new HashMap<>();
        Set<AuthorId> out = new HashSet<>();
        for (Proposal p : valid) children.computeIfAbsent(p.parent, k -> new ArrayList<>()).add(p);
        for (List<Proposal> competing : children.values()) {
            for (Proposal p : competing) out.addAll(excludedBy(p));
        }
        excluded = out;

        // Follow the winners down from the epoch this node started from.
        removed = false;
        if (with != null) {
            settleFresh();
            return current != wasAt || derivedNew;
        }
        Epoch at = base;
        Set<Key> passed = new HashSet<>();
        passed.add(at.id);
        while (true) {
            Proposal w = winner(children.getOrDefault(at.id, List.of()));
            if (w == null) break;
            if (!passed.add(w.epoch)) break; // re-keys that lead in a circle: stay where the circle closes
            Epoch next = epochs.get(w.epoch);
            if (next == null) {
                removed = true;
                break;
            }
            at = next;
        }
        current = at;
        return current != wasAt || !excluded.equals(wasOut) || removed != wasRemoved;
    }

    private void ignore(String key, String what) {
        if (told.add(key)) ignored.add(what + ", is ignored");
    }

    /** What settling found to ignore since last asked, one line each. */
    List<String> ignored() {
        List<String> out = List.copyOf(ignored);
        ignored.clear();
        return out;
    }

    private AuthorId lineageOf(AuthorId p, Set<AuthorId> seen) {
        Intro i = intros.get(p);
        if (i == null || i.introduction().previous() == null || !seen.add(p)) return p;
        if (!i.introduction().provesPrevious(id, p)) return p;
        return lineageOf(i.introduction().previous(), seen);
    }

    /** The first persona this node knows of {@code p}'s member. */
    AuthorId lineOf(AuthorId p) {
        AuthorId l = lineage.get(p);
        return l != null ? l : lineageOf(p, new HashSet<>());
    }

    /**
     * The members (by line) of epoch {@code e}: those admitted to it, or writing in it. A persona
     * whose introduction is not held yet does not count: until it is read, whose line it
     * continues is not known, and counting it as a member of its own would have it removed.
     */
    private Set<AuthorId> membersOf(Key e) {
        Set<AuthorId> out = new HashSet<>();
        for (Proposal made : counting) {
            if (made.epoch.equals(e)) made.admitted().forEach(p -> out.add(lineOf(p)));
        }
        personas.forEach((p, k) -> { if (k.equals(e) && intros.containsKey(p)) out.add(lineOf(p)); });
        return out;
    }

    private Set<AuthorId> admittedLines(Proposal p) {
        Set<AuthorId> out = new HashSet<>();
        for (AuthorId a : p.admitted()) out.add(lineOf(a));
        return out;
    }

    private Set<AuthorId> excludedBy(Proposal p) {
        Set<AuthorId> out = membersOf(p.parent);
        out.removeAll(admittedLines(p));
        return out;
    }

    /**
     * Of re-keys from one epoch, the one that counts: those whose author another excluded drop
     * out (unless that leaves none), then the one admitting the fewest, then the smallest epoch id.
     */
    private Proposal winner(List<Proposal> competing) {
        if (competing.isEmpty()) return null;
        List<Proposal> standing = new ArrayList<>();
        for (Proposal p : competing) {
            boolean outed = false;
            for (Proposal q : competing) {
                if (q != p && !admittedLines(q).contains(lineOf(p.by))) outed = true;
            }
            if (!outed) standing.add(p);
        }
        if (standing.isEmpty()) standing = competing;
        return standing.stream().min(Comparator.comparingInt((Proposal p) -> p.admitted().size()).thenComparing(p -> p.epoch.hex())).orElseThrow();
    }

    boolean isAuthority(AuthorId persona) {
        return authorities.contains(lineOf(persona));
    }

    boolean isOwner(AuthorId persona) {
        return lineOf(persona).equals(lineOf(owner));
    }

    boolean isExcluded(AuthorId persona) {
        return excluded.contains(lineOf(persona));
    }

    Set<EntryId> hidden() {
        return hidden;
    }

    /** Lines excluded by some re-key that still write in, or are admitted to, the current epoch: a re-key must leave them out too. */
    Set<AuthorId> stillIn() {
        Set<AuthorId> in = membersOf(current.id);
        in.retainAll(excluded);
        return in;
    }

    Intro intro(AuthorId persona) {
        return intros.get(persona);
    }

    /**
     * The members now, one per line: the latest persona this node knows of each member not
     * excluded, with its introduction (null while not held).
     */
    Map<AuthorId, Intro> members() {
        Map<AuthorId, Intro> latest = new LinkedHashMap<>();
        Map<AuthorId, Integer> depthOf = new HashMap<>();
        for (AuthorId p : personas.keySet()) {
            AuthorId l = lineOf(p);
            if (excluded.contains(l)) continue;
            // A persona of an epoch off this node's line (a re-key that lost) does not count.
            if (!covers(current.id, epochOf(p))) continue;
            int d = depth(epochOf(p));
            if (!depthOf.containsKey(l) || d > depthOf.get(l)) {
                depthOf.put(l, d);
                latest.put(l, intros.get(p) == null ? new Intro(p, epochOf(p), null) : intros.get(p));
            }
        }
        return latest;
    }

    /** How many re-keys epoch {@code e} is from the one this node started at; −1 when not held. */
    int depth(Key e) {
        int d = 0;
        for (Epoch ep = epochs.get(e); ep != null; ep = ep.parent == null ? null : epochs.get(ep.parent)) d++;
        return d - 1;
    }
}
