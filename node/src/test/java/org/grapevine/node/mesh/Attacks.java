package org.grapevine.node.mesh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.grapevine.gossip.handshake.NoiseException;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;

/**
 * What a hostile peer with a valid identity does to a node, one round at a time, built on the
 * project's codec ({@link RawPeer}): the soak test runs every one at once, the hostile benchmark
 * one after another against a node in a process of its own. Each round connects with a fresh
 * identity (ids cost nothing), attacks, and lets go.
 */
final class Attacks {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MIB = 1 << 20;

    private Attacks() {}

    /**
     * Where and how to attack: the target's network, while to go on, a blob the target holds, a
     * feed the target replicates, and a port to claim (another node's).
     */
    record Aim(InetSocketAddress target, NetworkKey network, BooleanSupplier running, BlobId blob, AuthorId feed, int claimedPort) {}

    @FunctionalInterface
    interface Attack {
        void round(Aim aim) throws Exception;
    }

    /** Every attack, by name. */
    static Map<String, Attack> all() {
        Map<String, Attack> all = new LinkedHashMap<>();
        all.put("wants", Attacks::wants);
        all.put("pings", Attacks::pings);
        all.put("leech", Attacks::leech);
        all.put("clocks", Attacks::clocks);
        all.put("addresses", Attacks::addresses);
        all.put("sybils", Attacks::sybils);
        all.put("liar", Attacks::liar);
        all.put("oversize", Attacks::oversize);
        all.put("garbage", Attacks::garbage);
        return all;
    }

    /**
     * Runs rounds of {@code attack} on a daemon thread until {@code aim.running()} turns false.
     * A node hanging up or refusing is what the bounds are for; anything else goes to {@code unexpected}.
     */
    static Thread loop(String name, Attack attack, Aim aim, Queue<Throwable> unexpected) {
        Thread t = new Thread(() -> {
            while (aim.running().getAsBoolean()) {
                try {
                    attack.round(aim);
                } catch (IOException | Malformed | NoiseException hungUp) {
                    // Closed or refused by the node.
                } catch (Throwable e) {
                    unexpected.add(e);
                    return;
                }
            }
        }, "attack " + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static RawPeer connect(Aim aim) throws IOException, NoiseException, Malformed {
        return RawPeer.connect(aim.target(), Identity.generate(RANDOM), aim.network());
    }

    /** Until the attack ends, or {@code seconds} pass: holding a connection open, say. */
    private static void hold(Aim aim, int seconds) {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        Awaitility.await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(seconds + 10))
                .until(() -> !aim.running().getAsBoolean() || System.nanoTime() > until);
    }

    static BlobId randomBlob() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new BlobId(b);
    }

    static AuthorId randomAuthor() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new AuthorId(b);
    }

    /** Forty wants a round for blobs nobody has, 4 hops, 1 MiB each: 8,000 per connection. */
    static void wants(Aim aim) throws Exception {
        try (RawPeer p = connect(aim)) {
            for (int round = 0; round < 200 && aim.running().getAsBoolean(); round++) {
                List<WireMessage> wants = new ArrayList<>();
                for (int i = 0; i < 40; i++) wants.add(new WireMessage.BlobWant(randomBlob(), WireMessage.MAX_HOPS, MIB));
                p.sendAll(wants);
            }
        }
    }

    /** Pings, ten thousand at a time, never reading an answer. */
    static void pings(Aim aim) throws Exception {
        try (RawPeer p = connect(aim)) {
            List<WireMessage> pings = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) pings.add(new WireMessage.Ping(i));
            while (aim.running().getAsBoolean()) p.sendAll(pings);
        }
    }

    /** Eight connections that ask for 64 chunks of a blob the target holds and never read. */
    static void leech(Aim aim) throws Exception {
        List<RawPeer> leeches = new ArrayList<>();
        try {
            List<Integer> chunks = new ArrayList<>();
            for (int k = 0; k < WireMessage.MAX_GET; k++) chunks.add(k);
            for (int i = 0; i < 8; i++) {
                RawPeer p = connect(aim);
                leeches.add(p);
                p.send(new WireMessage.BlobGet(aim.blob(), chunks));
            }
            hold(aim, 10);
        } finally {
            for (RawPeer p : leeches) p.close();
        }
    }

    /** Clocks of 4,096 feeds nobody has heard of, as fast as the target reads them. */
    static void clocks(Aim aim) throws Exception {
        try (RawPeer p = connect(aim)) {
            while (aim.running().getAsBoolean()) {
                List<WireMessage.FeedState> feeds = new ArrayList<>();
                for (int i = 0; i < WireMessage.MAX_CLOCK_FEEDS; i++) feeds.add(new WireMessage.FeedState(randomAuthor(), 1 + i, WireMessage.Mode.LAZY));
                p.send(new WireMessage.Clock(feeds));
            }
        }
    }

    /** Claims another node's port, and passes on a hundred lists of 64 made-up addresses. */
    static void addresses(Aim aim) throws Exception {
        try (RawPeer p = RawPeer.connect(aim.target(), Identity.generate(RANDOM), aim.network(), aim.claimedPort())) {
            for (int round = 0; round < 100 && aim.running().getAsBoolean(); round++) {
                List<WireMessage.PeerAddress> addresses = new ArrayList<>();
                for (int i = 0; i < WireMessage.MAX_PEERS; i++) {
                    addresses.add(new WireMessage.PeerAddress("10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + ".1", 7733, randomAuthor()));
                }
                p.send(new WireMessage.Peers(addresses));
            }
        }
    }

    /** Sixty-four fresh identities that take what slots they can, hold them for five seconds, and come again. */
    static void sybils(Aim aim) throws Exception {
        List<RawPeer> held = new ArrayList<>();
        try {
            for (int i = 0; i < 64 && aim.running().getAsBoolean(); i++) {
                try {
                    held.add(connect(aim));
                } catch (IOException refused) {
                    // Refused before or after the handshake.
                }
            }
            hold(aim, 5);
        } finally {
            for (RawPeer p : held) p.close();
        }
    }

    /** Claims to be a million entries ahead on a feed the target replicates, and leaves once read. */
    static void liar(Aim aim) throws Exception {
        try (RawPeer p = connect(aim)) {
            p.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(aim.feed(), 1_000_000, WireMessage.Mode.LAZY))));
            p.send(new WireMessage.Ping(1));
            for (WireMessage m = p.receive(); m != null && !(m instanceof WireMessage.Pong); m = p.receive()) {
                // Until the target has read the lie.
            }
        }
    }

    /** A message over the size limit. */
    static void oversize(Aim aim) throws Exception {
        try (RawPeer p = connect(aim)) {
            p.sendPlaintext(new ByteWriter(8).u32(WireCodec.MAX_MESSAGE + 1L).u32(0).toByteArray());
            p.awaitHangUp();
        }
    }

    /** Four kilobytes of noise where the handshake should be. */
    static void garbage(Aim aim) throws Exception {
        try (Socket s = RawPeer.dial(aim.target())) {
            byte[] junk = new byte[4096];
            RANDOM.nextBytes(junk);
            s.getOutputStream().write(junk);
            RawPeer.closedByPeer(s);
        }
    }
}
