package org.grapevine.gossip.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real transports on 127.0.0.1. The reader never handles what it receives, as a node that
 * has fallen hopelessly behind (or a peer that does not read) would: it stops reading past its
 * unhandled bound, and the sender, whose queue to it then grows, cuts it off past the queue bound.
 */
class TransportBoundsIT {
    private static final NetworkKey NETWORK = NetworkKey.named("transport-bounds-it");
    private static final SecureRandom RANDOM = new SecureRandom();
    private final List<Transport> transports = new ArrayList<>();

    @AfterEach
    void close() {
        transports.forEach(Transport::close);
    }

    /** Remembers the first connection, and how and why its connections ended. */
    private static final class Recorder implements TransportEvents {
        final CompletableFuture<PeerChannel> peer = new CompletableFuture<>();
        final CompletableFuture<String> gone = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();

        @Override
        public void connected(PeerChannel p) {
            peer.complete(p);
        }

        @Override
        public void received(PeerChannel p, WireMessage message, int bytes) {
            received.addAndGet(bytes); // And never handled.
        }

        @Override
        public void writable(PeerChannel p) {}

        @Override
        public void disconnected(PeerChannel p, String reason) {
            gone.complete(reason);
        }

        @Override
        public void rejected(SocketAddress remote, String reason) {}
    }

    private Transport transport(Recorder events) {
        Transport t = new Transport(Transport.Config.of(Identity.generate(RANDOM), NETWORK), events);
        transports.add(t);
        return t;
    }

    @Test
    void aPeerThatStopsReadingIsCutOffOnceItsQueuePassesTheBound() throws Exception {
        Recorder sender = new Recorder();
        Recorder reader = new Recorder();
        Transport a = transport(sender);
        Transport b = transport(reader);
        InetSocketAddress at = b.listen(new InetSocketAddress("127.0.0.1", 0));
        a.connect(at).join();
        PeerChannel toReader = sender.peer.get();
        PeerChannel fromSender = reader.peer.get();

        List<WireMessage.FeedState> feeds = new ArrayList<>();
        for (int i = 0; i < WireMessage.MAX_CLOCK_FEEDS; i++) {
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            feeds.add(new WireMessage.FeedState(new AuthorId(key), i, WireMessage.Mode.LAZY));
        }
        WireMessage.Clock clock = new WireMessage.Clock(feeds);
        int size = WireCodec.encode(clock).length;
        long mostQueued = 0;
        // Sends as the node sends notes: regardless of writability. The kernel's buffers take some.
        for (int i = 0; i < 2_000 && !sender.gone.isDone(); i++) {
            toReader.send(clock);
            mostQueued = Math.max(mostQueued, toReader.queued());
            assertTrue(fromSender.unhandled() <= Limits.UNHANDLED_PER_PEER + 2L * WireCodec.MAX_MESSAGE, "unhandled: " + fromSender.unhandled());
        }
        String why = sender.gone.get();
        assertTrue(why.startsWith("not reading"), why);
        assertTrue(mostQueued <= Limits.QUEUED_PER_PEER + size + 64, "queued " + mostQueued);
        // The reader stopped reading once what it had not handled passed its bound (it sees the
        // close only when it reads again, or when the connection's silence times out).
        assertTrue(reader.received.get() <= Limits.UNHANDLED_PER_PEER + 2L * WireCodec.MAX_MESSAGE, "received " + reader.received.get());
    }
}
