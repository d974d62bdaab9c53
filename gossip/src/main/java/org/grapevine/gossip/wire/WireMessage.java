package org.grapevine.gossip.wire;

import java.util.List;
import java.util.Objects;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.log.Entry;

/**
 * Everything two nodes say to each other once the handshake is done. Each record has a type
 * byte; {@link WireCodec} holds the layouts and limits (docs/PROTOCOL.md, "Wire messages").
 */
public sealed interface WireMessage {
    int MAX_CLOCK_FEEDS = 4096;
    int MAX_BATCH = 1024;
    int MAX_PEERS = 64;
    int MAX_DETAIL_BYTES = 200;
    int MAX_HOST_BYTES = 253;

    /** How a node wants a feed from the peer it sends its clock to. */
    enum Mode {
        /** Not interested (any more): send nothing of this feed. */
        NONE,
        /** Stream the entries I lack as they come (this peer is my source for the feed). */
        EAGER,
        /** Send only notes of your latest sequence; I get the entries elsewhere. */
        LAZY;

        static Mode forByte(int b) {
            return b >= 0 && b < values().length ? values()[b] : null;
        }
    }

    /** One feed in a clock: the sender holds it up to {@code seq} (0 = nothing) and wants it as {@code mode}. */
    record FeedState(AuthorId feed, long seq, Mode mode) {
        public FeedState {
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(mode, "mode");
            if (seq < 0) throw new IllegalArgumentException("negative sequence");
        }
    }

    /** The sender's state of some feeds: all of them on connect, then only what changed. */
    record Clock(List<FeedState> feeds) implements WireMessage {
        public Clock {
            feeds = List.copyOf(feeds);
            if (feeds.size() > MAX_CLOCK_FEEDS) throw new IllegalArgumentException("clock of more than " + MAX_CLOCK_FEEDS + " feeds");
        }
    }

    /** Entries of one or more feeds, each feed's in sequence order. */
    record Entries(List<Entry> entries) implements WireMessage {
        public Entries {
            entries = List.copyOf(entries);
            if (entries.size() > MAX_BATCH) throw new IllegalArgumentException("batch of more than " + MAX_BATCH + " entries");
        }
    }

    /** The sender has sent everything it holds of {@code feed}, up to {@code seq}. */
    record CaughtUp(AuthorId feed, long seq) implements WireMessage {
        public CaughtUp {
            Objects.requireNonNull(feed, "feed");
        }
    }

    /** A node's address as the sender reached it, with the id it proved there (or null if unknown). */
    record PeerAddress(String host, int port, AuthorId id) {
        public PeerAddress {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty() || host.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_HOST_BYTES) {
                throw new IllegalArgumentException("bad host");
            }
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range");
        }
    }

    /** Addresses of other nodes the sender has reached (peer exchange). */
    record Peers(List<PeerAddress> peers) implements WireMessage {
        public Peers {
            peers = List.copyOf(peers);
            if (peers.size() > MAX_PEERS) throw new IllegalArgumentException("more than " + MAX_PEERS + " peers");
        }
    }

    /** Are you there? Answered with a {@link Pong} carrying the same nonce. */
    record Ping(long nonce) implements WireMessage {}

    record Pong(long nonce) implements WireMessage {}

    /** Why a node hangs up; sent just before closing. */
    enum Reason {
        SHUTDOWN, MALFORMED, INVALID_ENTRY, TOO_MANY_PEERS, DUPLICATE_CONNECTION, TIMEOUT, PROTOCOL;

        static Reason forByte(int b) {
            return b >= 0 && b < values().length ? values()[b] : null;
        }
    }

    record Goodbye(Reason reason, String detail) implements WireMessage {
        public Goodbye {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            if (detail.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DETAIL_BYTES) {
                detail = detail.substring(0, Math.min(detail.length(), MAX_DETAIL_BYTES / 4));
            }
        }
    }
}
