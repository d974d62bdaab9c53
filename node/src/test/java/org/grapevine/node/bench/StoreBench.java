package org.grapevine.node.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Append throughput of the store with full validation (signature, sequence, previous hash,
 * content hash, sizes) and one commit per batch, as replication would feed it: entries of 1 KiB
 * posts from 10 authors, pre-signed, interleaved author by author within each batch. Scores are
 * entries per second.
 *
 * <p>Every iteration starts from an empty store in a fresh directory; should an iteration run
 * through all pre-signed entries, the next batch goes to another fresh store (outside the timing).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreBench {
    static final int AUTHORS = 10;
    static final int PER_AUTHOR = 6_000;

    /** Pre-signed entries cut into batches, and the store they go to. */
    abstract static class Appends {
        /** Kept encoded: a decoded header remembers its signature check, and every append must pay for one. */
        List<List<byte[]>> batches;
        List<Entry> prepared;
        int next;
        Path dir;
        Store store;

        void sign(int batchSize) {
            int perAuthorPerBatch = batchSize / AUTHORS;
            Entry[][] logs = IntStream.range(0, AUTHORS).parallel()
                    .mapToObj(a -> BenchData.chain(BenchData.identity(100 + a), 1, null,
                            1_700_000_000_000L + a * 1_000L, 60_000L, PER_AUTHOR, new Random(a)))
                    .toArray(Entry[][]::new);
            batches = new ArrayList<>();
            for (int from = 0; from + perAuthorPerBatch <= PER_AUTHOR; from += perAuthorPerBatch) {
                List<byte[]> batch = new ArrayList<>(batchSize);
                for (Entry[] log : logs) {
                    for (Entry e : Arrays.asList(log).subList(from, from + perAuthorPerBatch)) batch.add(e.encode());
                }
                batches.add(List.copyOf(batch));
            }
        }

        void freshStore() {
            closeStore();
            dir = BenchData.tempDir("grapevine-bench-store");
            store = Store.open(dir.resolve("store.db"));
            next = 0;
        }

        /** Outside the timing: an empty store if the entries ran out, and the next batch decoded afresh. */
        void refillIfExhausted() {
            if (next >= batches.size()) freshStore();
            List<Entry> batch = new ArrayList<>();
            try {
                for (byte[] b : batches.get(next)) batch.add(Entry.decode(b));
            } catch (org.grapevine.identity.Malformed e) {
                throw new IllegalStateException(e);
            }
            prepared = batch;
        }

        void closeStore() {
            if (store != null) store.close();
            BenchData.deleteTree(dir);
            store = null;
            dir = null;
        }

        List<Entry> nextBatch() {
            next++;
            return prepared;
        }
    }

    @State(Scope.Thread)
    public static class Batch1000 extends Appends {
        @Setup(Level.Trial)
        public void signAll() {
            sign(1000);
        }

        @Setup(Level.Iteration)
        public void open() {
            freshStore();
        }

        @Setup(Level.Invocation)
        public void refill() {
            refillIfExhausted();
        }

        @TearDown(Level.Iteration)
        public void close() {
            closeStore();
        }
    }

    @State(Scope.Thread)
    public static class Batch100 extends Appends {
        @Setup(Level.Trial)
        public void signAll() {
            sign(100);
        }

        @Setup(Level.Iteration)
        public void open() {
            freshStore();
        }

        @Setup(Level.Invocation)
        public void refill() {
            refillIfExhausted();
        }

        @TearDown(Level.Iteration)
        public void close() {
            closeStore();
        }
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public List<AppendResult> appendBatch1000(Batch1000 s) {
        return check(s.store.appendAll(s.nextBatch()));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public List<AppendResult> appendBatch100(Batch100 s) {
        return check(s.store.appendAll(s.nextBatch()));
    }

    private static List<AppendResult> check(List<AppendResult> results) {
        for (AppendResult r : results) {
            if (!r.stored()) throw new IllegalStateException("not appended: " + r);
        }
        return results;
    }
}
