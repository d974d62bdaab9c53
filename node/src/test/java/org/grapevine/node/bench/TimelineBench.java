package org.grapevine.node.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.store.AppendResult;
import org.grapevine.node.store.Store;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of one timeline page of 50 over a store of 10,000 entries: the local user follows 20
 * authors; everyone posts 1 KiB posts at irregular times over about a month.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class TimelineBench {
    static final int FOLLOWED = 20;
    static final int ENTRIES = 10_000;
    static final int PAGE = 50;

    private Path dir;
    private Store store;
    private AuthorId self;

    @Setup(Level.Trial)
    public void fill() {
        dir = BenchData.tempDir("grapevine-bench-timeline");
        store = Store.open(dir.resolve("store.db"));
        Random random = new Random(7);
        long start = 1_700_000_000_000L;
        long month = 30L * 24 * 3600 * 1000;
        Identity me = BenchData.identity(0);
        self = me.id();
        List<Identity> authors = new ArrayList<>();
        authors.add(me);
        for (int i = 1; i <= FOLLOWED; i++) authors.add(BenchData.identity(i));

        List<Entry> entries = new ArrayList<>(ENTRIES);
        // The user's own log opens with the follows, then posts like everyone else.
        long[] seq = new long[authors.size()];
        EntryId[] previous = new EntryId[authors.size()];
        long[] clock = new long[authors.size()];
        for (int a = 0; a < authors.size(); a++) clock[a] = start + random.nextInt(3_600_000);
        for (int i = 1; i <= FOLLOWED; i++) {
            Entry e = Entry.create(me, ++seq[0], previous[0], clock[0]++, new Content.Follow(authors.get(i).id(), true));
            previous[0] = e.id();
            entries.add(e);
        }
        // Posts: each author's gaps are exponential around its own mean, so authors post at different rates
        // and the logs interleave irregularly in time.
        int perAuthor = (ENTRIES - FOLLOWED) / authors.size();
        int extra = (ENTRIES - FOLLOWED) % authors.size();
        for (int a = 0; a < authors.size(); a++) {
            int count = perAuthor + (a < extra ? 1 : 0);
            double meanGap = (double) month / count * (0.5 + random.nextDouble());
            for (int k = 0; k < count; k++) {
                clock[a] += 1 + (long) (-Math.log(1 - random.nextDouble()) * meanGap);
                Entry e = Entry.create(authors.get(a), ++seq[a], previous[a], clock[a], BenchData.post(random));
                previous[a] = e.id();
                entries.add(e);
            }
        }
        for (int from = 0; from < entries.size(); from += 1000) {
            for (AppendResult r : store.appendAll(entries.subList(from, Math.min(entries.size(), from + 1000)))) {
                if (!r.stored()) throw new IllegalStateException("not appended: " + r);
            }
        }
        int page = store.indexes().timeline(self, PAGE, h -> true).size();
        if (page != PAGE) throw new IllegalStateException("timeline page has " + page + " entries");
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchData.deleteTree(dir);
    }

    @Benchmark
    public List<Entry> timelinePage() {
        return store.indexes().timeline(self, PAGE, h -> true);
    }
}
