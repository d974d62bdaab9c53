package org.grapevine.gossip.limits;

import java.util.Map;

/**
 * Every bound on what a peer can make a node spend, in one place (docs/PROTOCOL.md, "Limits").
 * Per peer: what one connection may hold of ours. Per node: what all peers together may, so
 * that many identities (which cost nothing to make) cannot add up past what one may not.
 *
 * <p>What is counted while it is held (input not yet handled, fetches for others) is accounted
 * in {@link Scope}s: {@link #nodeScope} and under it one {@link #peerScope} per connection, with
 * the bounds below. What is bounded otherwise (queues Netty counts, tables with a fixed size,
 * rates) is bounded where it lives, by these constants.
 */
public final class Limits {
    private Limits() {}

    /** The node's scope: what all peers together may make it hold. */
    public static Scope nodeScope() {
        return Scope.root("node", Map.of(
                Scope.Resource.UNHANDLED_BYTES, new Scope.Bound(UNHANDLED_PER_NODE, UNHANDLED_RESUME_NODE),
                Scope.Resource.RELAYS, Scope.Bound.of(RELAYS),
                Scope.Resource.RELAY_BYTES, Scope.Bound.of(RELAY_BYTES)));
    }

    /** One peer connection's scope under {@code node}: its own share. */
    public static Scope peerScope(Scope node, String peer) {
        return node.child(peer, Map.of(
                Scope.Resource.UNHANDLED_BYTES, new Scope.Bound(UNHANDLED_PER_PEER, UNHANDLED_RESUME),
                Scope.Resource.RELAYS, Scope.Bound.of(RELAYS_PER_PEER)));
    }

    // ---- bytes queued to a peer, bytes received and not yet handled ----

    /** Bytes queued to one peer beyond which it is taken not to read, and is disconnected. */
    public static final long QUEUED_PER_PEER = 8L << 20;
    /** Bytes queued to all peers beyond which a peer whose link is full is disconnected. */
    public static final long QUEUED_PER_NODE = 256L << 20;
    /**
     * What one peer sent that is not handled yet, by its cost in memory once decoded, beyond
     * which its connection stops being read; reading resumes below the second.
     */
    public static final long UNHANDLED_PER_PEER = 4L << 20;
    public static final long UNHANDLED_RESUME = 1L << 20;
    /** The same for all peers together: past it, connections that bring more stop being read. */
    public static final long UNHANDLED_PER_NODE = 64L << 20;
    public static final long UNHANDLED_RESUME_NODE = 48L << 20;
    /** How long a Goodbye may take to leave before the connection closes anyway. */
    public static final long GOODBYE_MILLIS = 2_000;

    // ---- connections and handshakes ----

    /** Inbound connections at most. */
    public static final int INBOUND = 64;
    /** Of {@link #INBOUND}, the most that peers who have cost nothing may hold (see {@link org.grapevine.gossip.discovery.Admission}). */
    public static final int INBOUND_STRANGERS = 48;
    /** Handshakes under way at once, and from one address (an IPv6 /64 counts as one). */
    public static final int HANDSHAKES = 128;
    public static final int HANDSHAKES_PER_ADDRESS = 32;
    /** New handshakes a second from one address, after a burst of {@link #HANDSHAKE_BURST}. */
    public static final int HANDSHAKE_RATE = 32;
    public static final int HANDSHAKE_BURST = 64;
    /** Failed handshakes from one address within {@link #FAILURE_WINDOW_MILLIS} before it is refused. */
    public static final int HANDSHAKE_FAILURES = 32;
    public static final long FAILURE_WINDOW_MILLIS = 60_000;
    /** How long an address is refused after too many failures: doubles while it goes on, up to the limit. */
    public static final long REFUSE_FIRST_MILLIS = 10_000;
    public static final long REFUSE_MAX_MILLIS = 10 * 60_000;
    /** Addresses whose failures are remembered at once. */
    public static final int ADDRESSES_WATCHED = 4_096;
    /** How long an id that sent invalid data is refused. */
    public static final long BAN_MILLIS = 10 * 60_000;
    /** Misbehaving ids from one address within the window before its strangers are refused (for the times above). */
    public static final int MISBEHAVING_PER_ADDRESS = 4;
    public static final long MISBEHAVING_WINDOW_MILLIS = 10 * 60_000;
    /** Banned ids, peers that delivered wanted entries, and addresses with strikes, remembered at once. */
    public static final int REMEMBERED = 4_096;

    // ---- replication ----

    /** Feeds a peer may name in its clocks that this node neither wants nor holds; more are ignored. */
    public static final int UNKNOWN_FEEDS_PER_PEER = 4_096;
    /** Ids whose unkept claims are remembered, for the penalty that follows them. */
    public static final int DISTRUSTED_IDS = 1_024;

    // ---- peer exchange ----

    /** Addresses one peer may add to the table, over all it says unasked (answers to Locate aside). */
    public static final int LEARNED_PER_SOURCE = 16;
    /** Addresses learned from others and not reached yet, in all and on one host. */
    public static final int UNVERIFIED = 256;
    public static final int UNVERIFIED_PER_HOST = 64;
    /** Dials per tick of addresses learned from others and not reached yet. */
    public static final int UNVERIFIED_DIALS_PER_TICK = 1;
    /** Locate answers per peer and tick. */
    public static final int LOCATE_ANSWERS_PER_TICK = 8;

    // ---- blobs fetched on others' behalf ----

    /** Fetches under way for others, per asking peer and in all. */
    public static final int RELAYS_PER_PEER = 4;
    public static final int RELAYS = 32;
    /** Bytes of the blobs fetched for others, in all. */
    public static final long RELAY_BYTES = 256L << 20;
    /** A peer may start one relay per this many milliseconds, with a burst of {@link #RELAYS_PER_PEER}. */
    public static final long RELAY_EVERY_MILLIS = 1_000;
    /** A relay that gains no chunk for this long is dropped, and so is one older than the lifetime. */
    public static final long RELAY_IDLE_MILLIS = 30_000;
    public static final long RELAY_LIFETIME_MILLIS = 10 * 60_000;
    /** Part files of blobs being fetched that are open at once; the others are reopened when needed. */
    public static final int OPEN_PART_FILES = 64;
}
