package org.grapevine.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a process writing to a store, again and again: every acknowledged entry must be there
 * afterwards, every batch whole or absent, and every log must verify end to end.
 */
class CrashIT {
    private static final int ROUNDS = 5;
    private static final int BATCH = 50;

    @TempDir
    Path dir;
    private Process child;

    @AfterEach
    void killLeftoverChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyAcknowledgedEntrySurvivesKillMinusNine() throws Exception {
        Path file = dir.resolve("store.db");
        Path stderr = dir.resolve("child-stderr.txt");
        Identity batcher = Logs.identity(42);
        Identity single = Logs.identity(43);
        long batches = 0;
        long singles = 0;
        List<String> rounds = new ArrayList<>();

        for (int round = 0; round < ROUNDS; round++) {
            child = ChildJvm.start(CrashChild.class, stderr, file.toString(), hex(batcher), hex(single),
                    String.valueOf(BATCH), "100000");
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("READY " + batches + " " + singles, readLine(out, stderr), "the child starts from the verified heads");

            long batchAcked = batches;
            long singleAcked = singles;
            int wantedBatches = 3 + 2 * round;
            int batchAcks = 0;
            // Even rounds kill right after a batch is acknowledged, odd rounds right after a single entry.
            boolean killOnSingle = round % 2 == 1;
            while (true) {
                String line = readLine(out, stderr);
                if (line.startsWith("ACK ")) {
                    long head = Long.parseLong(line.substring(4));
                    assertEquals(batchAcked + BATCH, head, "one acknowledgement per batch");
                    batchAcked = head;
                    batchAcks++;
                    if (batchAcks >= wantedBatches && !killOnSingle) break;
                } else if (line.startsWith("ONE ")) {
                    long head = Long.parseLong(line.substring(4));
                    assertEquals(singleAcked + 1, head, "one acknowledgement per single entry");
                    singleAcked = head;
                    if (batchAcks >= wantedBatches) break;
                } else {
                    fail("unexpected line from the child: " + line + "\n" + ChildJvm.stderr(stderr));
                }
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "killed child did not go away");
            assertNotEquals(0, child.exitValue(), "the child was killed, not finished");

            try (Store store = Store.open(file)) {
                assertTrue(store.recovery().isPresent(), "round " + round + ": a killed writer leaves a store that is rebuilt from its journal");
                long batchHead = Logs.verifyLog(store, batcher.id());
                long singleHead = Logs.verifyLog(store, single.id());
                assertTrue(batchHead >= batchAcked, "round " + round + ": batches acknowledged up to " + batchAcked + " but " + batchHead + " held");
                assertTrue(singleHead >= singleAcked, "round " + round + ": singles acknowledged up to " + singleAcked + " but " + singleHead + " held");
                assertEquals(0, batchHead % BATCH, "round " + round + ": a batch is one commit, whole or absent, but head is " + batchHead);
                checkBodies(store, batcher.id(), batchHead, true);
                checkBodies(store, single.id(), singleHead, false);
                rounds.add(batchAcked + "->" + batchHead + " " + singleAcked + "->" + singleHead);
                batches = batchHead;
                singles = singleHead;
            }
        }

        try (Store store = Store.open(file)) {
            Entry next = Entry.create(batcher, batches + 1, store.headId(batcher.id()).orElseThrow(), batches + 1,
                    Content.Post.text("after the last crash"));
            assertEquals(AppendResult.Status.APPENDED, store.append(next).status());
            assertEquals(batches + 1, Logs.verifyLog(store, batcher.id()));
            assertEquals(Set.of(batcher.id(), single.id()), Set.copyOf(store.authors()));
        }
        System.out.println("CrashIT acknowledged->recovered (batches, singles) per round: " + rounds);
    }

    private static String hex(Identity identity) {
        return HexFormat.of().formatHex(identity.seed());
    }

    private static String readLine(BufferedReader out, Path stderr) throws IOException {
        String line = out.readLine();
        assertNotNull(line, "child exited early:\n" + ChildJvm.stderr(stderr));
        return line;
    }

    /** Every body is the one the child wrote; the batch writer also used the sequence as timestamp. */
    private static void checkBodies(Store store, AuthorId author, long head, boolean timestampIsSeq) throws Malformed {
        long seq = 1;
        long lastTimestamp = 0;
        while (seq <= head) {
            List<Entry> page = store.log(author, seq, 1_000);
            assertTrue(!page.isEmpty(), "log ends before its head at " + seq);
            for (Entry e : page) {
                assertEquals(Content.Post.text(CrashChild.text(seq)), e.decodeContent(), "body of entry " + seq);
                long timestamp = e.header().timestamp();
                if (timestampIsSeq) assertEquals(seq, timestamp);
                assertTrue(timestamp >= lastTimestamp, "timestamps never go back");
                lastTimestamp = timestamp;
                seq++;
            }
        }
    }
}
