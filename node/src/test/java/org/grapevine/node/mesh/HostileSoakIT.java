package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.wire.WireCodec;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.Identity;
import org.grapevine.node.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack of {@link HostileIT} at once, for a minute ({@code -Dgrapevine.soak.seconds}),
 * next to an honest pair: bob follows alice, alice posts one post after another. The bounds hold throughout,
 * every post arrives (median under a second), nothing stored is lost, and what the attackers made
 * alice hold is given back once they leave.
 */
class HostileSoakIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MIB = 1 << 20;
    private static final long SECONDS = Long.getLong("grapevine.soak.seconds", 60);

    @TempDir
    Path dir;
    private TestNet net;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> attackers = new ArrayList<>();
    private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : attackers) t.join(30_000);
        if (net != null) net.close();
    }

    @FunctionalInterface
    private interface Attack {
        void once() throws Exception;
    }

    /** Runs {@code attack} over and over on a thread of its own until the soak ends; what it throws is expected (nodes hang up). */
    private void attack(String name, Attack attack) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                try {
                    attack.once();
                } catch (IOException | org.grapevine.identity.Malformed | org.grapevine.gossip.handshake.NoiseException hungUp) {
                    // The node closed the connection or refused it: what the bounds are for.
                } catch (Throwable t2) {
                    unexpected.add(t2);
                    return;
                }
            }
        }, "attack " + name);
        t.setDaemon(true);
        attackers.add(t);
        t.start();
    }

    private static BlobId randomBlob() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new BlobId(b);
    }

    private static AuthorId randomAuthor() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new AuthorId(b);
    }

    private static long liveHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void everyAttackAtOnceNextToAnHonestPair() throws Exception {
        net = new TestNet(dir);
        TestNode alice = net.node("alice");
        TestNode bob = net.node("bob");
        bob.follow(alice);
        bob.connect(alice);
        alice.post("before the soak");
        net.await(bob).sees(alice, "before the soak");
        byte[] big = new byte[16 << 20];
        new Random(3).nextBytes(big);
        Files.write(dir.resolve("big"), big);
        BlobId blob = alice.node().blobFiles().add(dir.resolve("big")).id();
        long heapBefore = liveHeapAfterGc();
        long filesBefore = openFiles();

        attack("wants", () -> {
            try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                for (int round = 0; round < 200 && running.get(); round++) {
                    List<WireMessage> wants = new ArrayList<>();
                    for (int i = 0; i < 40; i++) wants.add(new WireMessage.BlobWant(randomBlob(), WireMessage.MAX_HOPS, MIB));
                    p.sendAll(wants);
                }
            }
        });
        attack("pings, never read", () -> {
            try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                List<WireMessage> pings = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) pings.add(new WireMessage.Ping(i));
                while (running.get()) p.sendAll(pings);
            }
        });
        for (int i = 0; i < 4; i++) {
            attack("blob leech " + i, () -> {
                try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                    List<Integer> chunks = new ArrayList<>();
                    for (int k = 0; k < WireMessage.MAX_GET; k++) chunks.add(k);
                    p.send(new WireMessage.BlobGet(blob, chunks));
                    Awaitility.await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(SECONDS + 30)).until(() -> !running.get());
                }
            });
        }
        attack("clocks", () -> {
            try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                while (running.get()) {
                    List<WireMessage.FeedState> feeds = new ArrayList<>();
                    for (int i = 0; i < WireMessage.MAX_CLOCK_FEEDS; i++) feeds.add(new WireMessage.FeedState(randomAuthor(), 1 + i, WireMessage.Mode.LAZY));
                    p.send(new WireMessage.Clock(feeds));
                }
            }
        });
        attack("addresses", () -> {
            try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK, bob.port())) {
                for (int round = 0; round < 100 && running.get(); round++) {
                    List<WireMessage.PeerAddress> addresses = new ArrayList<>();
                    for (int i = 0; i < WireMessage.MAX_PEERS; i++) {
                        addresses.add(new WireMessage.PeerAddress("10." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256) + ".1", 7733, randomAuthor()));
                    }
                    p.send(new WireMessage.Peers(addresses));
                }
            }
        });
        attack("sybils", () -> {
            List<RawPeer> held = new ArrayList<>();
            try {
                for (int i = 0; i < 64 && running.get(); i++) {
                    try {
                        held.add(RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK));
                    } catch (IOException refused) {
                        // Refused before or after the handshake.
                    }
                }
                // Held for a few seconds, then let go and made again with new identities.
                long until = System.nanoTime() + 5_000_000_000L;
                Awaitility.await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(30))
                        .until(() -> !running.get() || System.nanoTime() > until);
            } finally {
                for (RawPeer p : held) p.close();
            }
        });
        attack("liar", () -> {
            try (RawPeer p = RawPeer.connect(bob.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                p.send(new WireMessage.Clock(List.of(new WireMessage.FeedState(alice.id(), 1_000_000, WireMessage.Mode.LAZY))));
                p.send(new WireMessage.Ping(1));
                for (WireMessage m = p.receive(); m != null && !(m instanceof WireMessage.Pong); m = p.receive()) {
                    // Until bob has read the lie.
                }
            }
        });
        attack("oversize", () -> {
            try (RawPeer p = RawPeer.connect(alice.address(), Identity.generate(RANDOM), TestNet.NETWORK)) {
                p.sendPlaintext(new ByteWriter(8).u32(WireCodec.MAX_MESSAGE + 1L).u32(0).toByteArray());
                p.awaitHangUp();
            }
        });
        attack("garbage before the handshake", () -> {
            try (Socket s = RawPeer.dial(alice.address())) {
                byte[] junk = new byte[4096];
                RANDOM.nextBytes(junk);
                s.getOutputStream().write(junk);
                RawPeer.closedByPeer(s);
            }
        });

        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        long peakHeap = 0;
        long peakFiles = 0;
        Node.Usage peak = null;
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        int posts = 0;
        while (System.nanoTime() < end) {
            String text = "honest " + posts++;
            long at = System.nanoTime();
            alice.post(text);
            Awaitility.await(text).atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> bob.sees(alice, text));
            delays.add((System.nanoTime() - at) / 1_000_000);
            Node.Usage u = alice.node().usage().join();
            assertTrue(u.mostQueued() <= Limits.QUEUED_PER_PEER + WireCodec.MAX_MESSAGE, u.toString());
            assertTrue(u.queued() <= Limits.QUEUED_PER_NODE + WireCodec.MAX_MESSAGE, u.toString());
            assertTrue(u.mostUnhandled() <= Limits.UNHANDLED_PER_PEER + WireCodec.MAX_MESSAGE, u.toString());
            assertTrue(u.relays() <= Limits.RELAYS && u.relayBytes() <= Limits.RELAY_BYTES, u.toString());
            assertTrue(u.inbound() <= Limits.INBOUND, u.toString());
            assertTrue(u.openPartFiles() <= Limits.OPEN_PART_FILES, u.toString());
            peak = u;
            peakFiles = Math.max(peakFiles, openFiles());
            if (posts % 25 == 0) peakHeap = Math.max(peakHeap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        running.set(false);
        for (Thread t : attackers) t.join(30_000);
        assertTrue(unexpected.isEmpty(), () -> "an attacker failed unexpectedly: " + unexpected);

        net.waitFor("what the attackers made alice hold is given back", Duration.ofSeconds(60), () -> {
            Node.Usage u = alice.node().usage().join();
            return u.relays() == 0 && u.queued() < 64 * 1024 && u.unhandled() == 0 && u.connections() == 1 && u.openPartFiles() == 0;
        });
        long heapAfter = liveHeapAfterGc();
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        long median = sorted.get(sorted.size() / 2);
        long p99 = sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100));
        System.out.printf("HostileSoakIT: %d s, %d honest posts, delivery median %d ms, p99 %d ms, max %d ms; live heap %d MiB before, "
                        + "peak used %d MiB, %d MiB after; open files %d before, peak %d; last usage %s%n",
                SECONDS, posts, median, p99, sorted.get(sorted.size() - 1), heapBefore / MIB, peakHeap / MIB, heapAfter / MIB,
                filesBefore, peakFiles, peak);
        assertEquals(posts, delays.size());
        assertTrue(median < 1_000, "honest delivery median " + median + " ms");
        assertTrue(peakFiles < 500, "open files peaked at " + peakFiles);
        assertTrue(heapAfter - heapBefore < 64 * MIB, "live heap grew by " + (heapAfter - heapBefore) / MIB + " MiB and stayed");
        assertEquals(alice.store().headSeq(alice.id()), bob.verifiedLength(alice), "bob holds all of alice's log");
        net.assertNoInternalErrors();
    }
}
