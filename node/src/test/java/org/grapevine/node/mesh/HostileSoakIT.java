package org.grapevine.node.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.grapevine.identity.BlobId;
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

        Attacks.Aim atAlice = new Attacks.Aim(alice.address(), TestNet.NETWORK, running::get, blob, alice.id(), bob.port());
        Attacks.Aim atBob = new Attacks.Aim(bob.address(), TestNet.NETWORK, running::get, blob, alice.id(), alice.port());
        Attacks.all().forEach((name, attack) -> {
            // The liar claims alice's feed to bob, who replicates it; everything else is aimed at alice.
            attackers.add(Attacks.loop(name, attack, name.equals("liar") ? atBob : atAlice, unexpected));
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
