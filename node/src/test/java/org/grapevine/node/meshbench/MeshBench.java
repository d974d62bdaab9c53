package org.grapevine.node.meshbench;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.grapevine.node.meshbench.MeshNode.SetupFailure;

/**
 * Whole-node benchmarks over real TCP on 127.0.0.1: full Noise transport, replication, MapDB stores,
 * several {@link org.grapevine.node.Node}s in one JVM. Not JMH and not a test; run through
 * {@code bench/mesh}.
 *
 * <pre>
 *   sync         [--authors 10] [--entries 10000] [--text-bytes 200] [--verify-seconds 3] [--timeout 900] [--jfr FILE]
 *   propagation  [--posts 100] [--warmup 20]
 *   idle         [SECONDS] [--seconds 180] [--authors 100] [--entries 5]
 *   blob         [--mib 256] [--seeders 1] [--warmup 512/mib+] [--runs 3] [--timeout 600] [--jfr FILE]   (see {@link BlobBench})
 *   tcp          [--mib 256] [--runs 3]
 *   dm           [--messages 100] [--warmup 20]                     (see {@link DmBench})
 *   dms-held     [--conversations 1000] [--seconds 15]
 *   any mode:    [-v] prints every node's event log to stderr
 * </pre>
 *
 * Each mode prints one result line starting with its name, then details. Exit status 0 when the
 * run completed (whether or not it met its target), 1 when setup or the run failed, 2 on bad usage.
 */
public final class MeshBench {
    private static final int LOAD_BATCH = 1_000;
    /** The size of an entry header after the first, the largest message a node verifies. */
    private static final int VERIFY_MESSAGE_BYTES = EntryHeader.MAX_SIZE;

    private final Options options;
    private final List<MeshNode> nodes = new ArrayList<>();

    private MeshBench(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("meshbench: " + e.getMessage());
            System.err.println("usage: bench/mesh sync [--authors N] [--entries N] [--text-bytes N] [--verify-seconds S] [--timeout S] [--jfr FILE]");
            System.err.println("       bench/mesh propagation [--posts N] [--warmup N]");
            System.err.println("       bench/mesh channel [--posts N] [--warmup N]");
            System.err.println("       bench/mesh channels-held [--channels N] [--runs N]");
            System.err.println("       bench/mesh idle [SECONDS] [--authors N] [--entries N]");
            System.err.println("       bench/mesh blob [--mib N] [--seeders N] [--warmup N] [--runs N] [--timeout S] [--jfr FILE]");
            System.err.println("       bench/mesh tcp [--mib N] [--runs N]");
            System.err.println("       bench/mesh channel-blob [--mib N] [--runs N] [--timeout S]");
            System.err.println("       bench/mesh dm [--messages N] [--warmup N]");
            System.err.println("       bench/mesh dms-held [--conversations N] [--seconds S]");
            System.err.println("       add -v to print the nodes' event logs");
            System.exit(2);
            return;
        }
        MeshBench bench = new MeshBench(options);
        int status = 0;
        try {
            switch (options.mode) {
                case "sync" -> bench.sync();
                case "propagation" -> bench.propagation();
                case "channel" -> bench.channel();
                case "channels-held" -> bench.channelsHeld();
                case "idle" -> bench.idle();
                case "blob" -> BlobBench.blob(bench::node, options.intOpt("mib", 256), options.intOpt("seeders", 1),
                        options.intOpt("warmup", -1), options.intOpt("runs", 3), options.intOpt("timeout", 600), options.flags.get("jfr"));
                case "tcp" -> BlobBench.tcp(options.intOpt("mib", 256), options.intOpt("runs", 3));
                case "channel-blob" -> BlobBench.channelBlob(bench::node, options.intOpt("mib", 256), options.intOpt("runs", 3),
                        options.intOpt("timeout", 600));
                case "dm" -> DmBench.dm(bench.nodes(), options.intOpt("messages", 100), options.intOpt("warmup", 20));
                case "dms-held" -> DmBench.dmsHeld(bench.nodes(), options.intOpt("conversations", 1_000), options.intOpt("seconds", 15));
                default -> throw new IllegalStateException(options.mode);
            }
        } catch (SetupFailure e) {
            System.err.println("meshbench " + options.mode + " FAILED: " + e.getMessage());
            bench.dumpEvents();
            status = 1;
        } catch (Exception e) {
            System.err.println("meshbench " + options.mode + " FAILED: " + e);
            e.printStackTrace();
            bench.dumpEvents();
            status = 1;
        } finally {
            bench.closeAll();
        }
        System.exit(status);
    }

    // ---------------------------------------------------------------- sync

    /**
     * A holds {@code authors × entries} posts; B follows those authors and dials A. Timed from the
     * dial to B holding every entry, compared with the single-thread Ed25519 verify rate.
     */
    private void sync() throws Exception {
        int authors = options.intOpt("authors", 10);
        int perAuthor = options.intOpt("entries", 10_000);
        int textBytes = options.intOpt("text-bytes", 200);
        double verifySeconds = options.doubleOpt("verify-seconds", 3);
        long timeoutSeconds = options.intOpt("timeout", 900);
        long total = (long) authors * perAuthor;
        header("sync", authors + " authors x " + perAuthor + " entries, " + textBytes + "-byte post texts");

        long t = System.nanoTime();
        List<Identity> ids = IntStream.range(0, authors).mapToObj(i -> Identity.generate(new SecureRandom())).toList();
        List<List<Entry>> chains = ids.parallelStream()
                .map(id -> chain(id, perAuthor, textBytes, new SecureRandom()))
                .toList();
        Entry sample = chains.get(0).get(chains.get(0).size() - 1);
        detail("signed %,d entries in %.1f s (envelope %d bytes, body %d bytes)", total, secs(t),
                sample.encode().length, sample.header().contentLength());

        MeshNode a = node("A");
        MeshNode b = node("B");
        t = System.nanoTime();
        for (List<Entry> chain : chains) a.load(chain, LOAD_BATCH);
        double loadSecs = secs(t);
        detail("A: stored %,d entries with appendAll in batches of %,d in %.1f s (%,.0f entries/s)",
                total, LOAD_BATCH, loadSecs, total / loadSecs);
        for (Identity id : ids) {
            a.publish(new Content.Follow(id.id(), true));
            b.publish(new Content.Follow(id.id(), true));
        }
        a.start("127.0.0.1", 1);
        b.start("127.0.0.1", 1);

        List<AuthorId> wanted = ids.stream().map(Identity::id).toList();
        AtomicLong firstEntry = new AtomicLong();
        AtomicLong held = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong doneAt = new AtomicLong();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long sum = 0;
                for (AuthorId author : wanted) sum += Math.min(perAuthor, b.head(author));
                long now = System.nanoTime();
                held.set(sum);
                if (sum > 0) firstEntry.compareAndSet(0, now);
                if (sum >= total) {
                    doneAt.set(now);
                    done.countDown();
                    return;
                }
                LockSupport.parkNanos(10_000_000);
            }
        }, "meshbench-watcher");
        watcher.setDaemon(true);

        detail("raw Ed25519 verify before the sync (Bouncy Castle, %d-byte message, one thread, %.0f s after warm-up)...",
                VERIFY_MESSAGE_BYTES, verifySeconds);
        VerifyRate rawBefore = rawVerifyRate(verifySeconds);
        detail("  %,.0f verifications/s (%,.0f per CPU-second of the thread)", rawBefore.wall(), rawBefore.cpu());

        jdk.jfr.Recording recording = startRecording(options.flags.get("jfr"));
        Cpu cpu = new Cpu();
        long start = System.nanoTime();
        watcher.start();
        b.dial(a);
        long lastReport = start;
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!done.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now - lastReport >= 5_000_000_000L) {
                lastReport = now;
                long h = held.get();
                detail("  %5.1f s: B holds %,d of %,d (%,.0f entries/s so far)", (now - start) / 1e9, h, total, h / ((now - start) / 1e9));
            }
            if (now > deadline) {
                watcher.interrupt();
                throw new SetupFailure("B holds " + held.get() + " of " + total + " entries after " + timeoutSeconds + " s");
            }
        }
        double seconds = (doneAt.get() - start) / 1e9;
        double rate = total / seconds;
        String cpuUse = cpu.since();
        double cpuSeconds = cpu.seconds();
        stopRecording(recording, options.flags.get("jfr"));
        double first = (firstEntry.get() - start) / 1e9;
        long wireBytes = b.node().bytesMoved().get(5, TimeUnit.SECONDS);

        detail("B: first entry stored %.0f ms after the dial; all %,d after %.2f s", first * 1e3, total, seconds);
        detail("B: %,.0f entries/s after the first one arrived", (total - 1) / (seconds - first));
        detail("connection moved %,d bytes (%.1f MB/s, %.0f bytes/entry)", wireBytes, wireBytes / seconds / 1e6,
                (double) wireBytes / total);
        detail("process CPU during the sync: %s", cpuUse);
        detail("B: %,.0f entries per CPU-second of the whole process (A's sending side included)", total / cpuSeconds);

        detail("raw Ed25519 verify after the sync...");
        VerifyRate rawAfter = rawVerifyRate(verifySeconds);
        detail("  %,.0f verifications/s (%,.0f per CPU-second of the thread)", rawAfter.wall(), rawAfter.cpu());
        double raw = (rawBefore.wall() + rawAfter.wall()) / 2;
        double rawCpu = (rawBefore.cpu() + rawAfter.cpu()) / 2;
        double ratio = rate / raw;
        detail("raw verify is the mean of before and after; per CPU-second, end to end is %.0f%% of raw verify (%,.0f vs %,.0f)",
                100 * (total / cpuSeconds) / rawCpu, total / cpuSeconds, rawCpu);
        result(String.format(Locale.ROOT,
                "sync: %,d entries in %.2f s = %,.0f entries/s end to end; raw verify %,.0f/s on one thread; ratio %.0f%% (target >= 50%%: %s)",
                total, seconds, rate, raw, ratio * 100, ratio >= 0.5 ? "met" : "MISSED"));
    }

    /** A JFR recording with the "profile" settings over the timed phase, or null without {@code --jfr FILE}. */
    private static jdk.jfr.Recording startRecording(String file) throws Exception {
        if (file == null) return null;
        jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        r.setName("meshbench");
        r.start();
        return r;
    }

    private static void stopRecording(jdk.jfr.Recording r, String file) throws Exception {
        if (r == null) return;
        r.stop();
        r.dump(java.nio.file.Path.of(file));
        r.close();
        detail("JFR recording of the timed phase written to %s", file);
    }

    /** {@code count} consecutive signed posts of one author, each with {@code textBytes} of text. */
    private static List<Entry> chain(Identity author, int count, int textBytes, SecureRandom random) {
        List<Entry> out = new ArrayList<>(count);
        EntryId previous = null;
        long ts = System.currentTimeMillis() - count * 1_000L;
        String alphabet = "abcdefghijklmnopqrstuvwxyz      .,";
        char[] text = new char[textBytes];
        for (int i = 1; i <= count; i++) {
            for (int j = 0; j < textBytes; j++) text[j] = alphabet.charAt(random.nextInt(alphabet.length()));
            Entry e = Entry.create(author, i, previous, ts + i * 1_000L, Content.Post.text(new String(text)));
            out.add(e);
            previous = e.id();
        }
        return out;
    }

    /** Single-thread verifications per second of wall time and per second of the thread's own CPU time. */
    private record VerifyRate(double wall, double cpu) {}

    /** Bouncy Castle's Ed25519 as {@code Verifier} calls it, on one thread, after a 2 s warm-up. */
    private static VerifyRate rawVerifyRate(double seconds) {
        SecureRandom random = new SecureRandom();
        Ed25519PrivateKeyParameters secret = new Ed25519PrivateKeyParameters(random);
        Ed25519PublicKeyParameters key = secret.generatePublicKey();
        byte[] message = new byte[VERIFY_MESSAGE_BYTES];
        random.nextBytes(message);
        byte[] signature = new byte[64];
        secret.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
        verifyLoop(key, message, signature, 2.0); // warm-up
        return verifyLoop(key, message, signature, seconds);
    }

    private static VerifyRate verifyLoop(Ed25519PublicKeyParameters key, byte[] message, byte[] signature, double seconds) {
        var threads = ManagementFactory.getThreadMXBean();
        long n = 0;
        boolean ok = true;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            for (int i = 0; i < 32; i++) ok &= key.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
            n += 32;
            now = System.nanoTime();
        } while (now < end);
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        if (!ok) throw new IllegalStateException("a raw signature failed to verify");
        return new VerifyRate(n / ((now - start) / 1e9), cpu > 0 ? n / (cpu / 1e9) : Double.NaN);
    }

    // ---------------------------------------------------------------- propagation

    /**
     * A line A - B - C: B follows A, C follows A, C is connected only to B. Each post at A is timed
     * until it reaches C's store (and, on the way, B's).
     */
    private void propagation() throws Exception {
        int posts = options.intOpt("posts", 100);
        int warmup = options.intOpt("warmup", 20);
        header("propagation", "line A - B - C over TCP, " + warmup + " warm-up posts, then " + posts + " timed");

        MeshNode a = node("A");
        MeshNode b = node("B");
        MeshNode c = node("C");
        b.publish(new Content.Follow(a.id(), true));
        c.publish(new Content.Follow(a.id(), true));
        // Peers pass on the addresses they reached, so C would learn A's address from B and dial it.
        // A and C listen on other loopback addresses but dial B from 127.0.0.1: what B passes on is
        // 127.0.0.1:<their port>, where nothing listens, and the line stays a line.
        b.start("127.0.0.1", 2);
        a.start("127.0.0.2", 2);
        c.start("127.0.0.3", 2);
        a.dial(b);
        c.dial(b);
        await("B connected to A and C", 30, () -> b.connectedPeers() == 2 && a.connectedPeers() == 1 && c.connectedPeers() == 1);

        long[] toB = new long[posts];
        long[] toC = new long[posts];
        long[] local = new long[posts];
        for (int i = -warmup; i < posts; i++) {
            long t0 = System.nanoTime();
            Entry e = a.publish(Content.Post.text("propagation post " + i + " at " + t0));
            long tPub = System.nanoTime();
            long seq = e.header().seq();
            long atB = 0;
            long atC;
            long deadline = t0 + 10_000_000_000L;
            while (true) {
                long now = System.nanoTime();
                if (atB == 0 && b.head(a.id()) >= seq) atB = now;
                if (c.head(a.id()) >= seq) {
                    atC = now;
                    if (atB == 0) atB = now;
                    break;
                }
                if (now > deadline) {
                    throw new SetupFailure("post " + seq + " of A did not reach C within 10 s (B holds " + b.head(a.id())
                            + ", C holds " + c.head(a.id()) + ")");
                }
                LockSupport.parkNanos(50_000);
            }
            if (i >= 0) {
                local[i] = tPub - t0;
                toB[i] = atB - t0;
                toC[i] = atC - t0;
            }
        }
        List<AuthorId> cPeers = c.connectedIds();
        boolean line = cPeers.equals(List.of(b.id())) && a.connectedIds().equals(List.of(b.id()));
        detail("publish at A (sign + append + commit): %s", stats(local));
        detail("A -> B stored:                         %s", stats(toB));
        detail("A -> B -> C stored:                    %s", stats(toC));
        detail("topology at the end: %s", line ? "a line (C and A connected only to B)"
                : "NOT a line: A has " + a.connectedIds() + ", C has " + cPeers);
        double median = percentile(toC, 50) / 1e6;
        result(String.format(Locale.ROOT,
                "propagation: A->B->C over %d posts: median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (target median < 50 ms: %s)",
                posts, median, percentile(toC, 90) / 1e6, percentile(toC, 99) / 1e6, percentile(toC, 100) / 1e6,
                median < 50 ? "met" : "MISSED"));
        if (!line) throw new SetupFailure("the nodes did not stay in a line");
    }

    // ---------------------------------------------------------------- channel

    /**
     * The line A - B - C, all three members of one channel: channel posts and public posts by A,
     * alternating, each timed until C stores it, so both kinds are measured side by side.
     */
    private void channel() throws Exception {
        int posts = options.intOpt("posts", 100);
        int warmup = options.intOpt("warmup", 20);
        header("channel", "line A - B - C, all members of one channel; " + warmup + " warm-up rounds, then " + posts
                + " channel posts and " + posts + " public posts, alternating");
        MeshNode a = node("A");
        MeshNode b = node("B");
        MeshNode c = node("C");
        b.publish(new Content.Follow(a.id(), true));
        c.publish(new Content.Follow(a.id(), true));
        b.start("127.0.0.1", 2);
        a.start("127.0.0.2", 2);
        c.start("127.0.0.3", 2);
        a.node().channels(ch -> ch.create("bench", "bench", a.node().config().network().name())).join();
        var invite = a.node().channels(ch -> ch.invite("bench", List.of())).join();
        b.node().channels(ch -> ch.join(invite, "bench", true, "")).join();
        c.node().channels(ch -> ch.join(invite, "bench", true, "")).join();
        AuthorId persona = a.node().channels(ch -> ch.members("bench")).join().stream()
                .filter(org.grapevine.node.channel.ChannelProtocol.Member::owner).findFirst().orElseThrow().persona();
        a.dial(b);
        c.dial(b);
        await("B connected to A and C", 30, () -> b.connectedPeers() == 2 && a.connectedPeers() == 1 && c.connectedPeers() == 1);
        await("C holds A's introduction", 30, () -> c.head(persona) >= 1);

        long[] channel = new long[posts];
        long[] open = new long[posts];
        for (int i = -warmup; i < posts; i++) {
            long t0 = System.nanoTime();
            Entry sealed = a.node().channels(ch -> ch.post("bench", Content.Post.text("channel post " + t0), List.of())).join();
            long atC = waitFor(c, persona, sealed.header().seq(), t0);
            long t1 = System.nanoTime();
            Entry pub = a.publish(Content.Post.text("public post " + t1));
            long atC2 = waitFor(c, a.id(), pub.header().seq(), t1);
            if (i >= 0) {
                channel[i] = atC - t0;
                open[i] = atC2 - t1;
            }
        }
        detail("channel post A -> B -> C stored: %s", stats(channel));
        detail("public post  A -> B -> C stored: %s", stats(open));
        double ratio = percentile(channel, 50) / (double) percentile(open, 50);
        result(String.format(Locale.ROOT, "channel: A->B->C median %.2f ms for channel posts, %.2f ms for public ones: ratio %.2f (target within 10%%: %s)",
                percentile(channel, 50) / 1e6, percentile(open, 50) / 1e6, ratio, ratio <= 1.10 ? "met" : "MISSED"));
    }

    /**
     * What holding channels costs a connection: two fresh nodes holding the same N channels (or
     * none), the second following the first, which has one public post. Per run: the time from
     * the dial to the post stored at the second node, and the bytes the connection moved once the
     * channels' personas are synced too. Runs alternate between no channels and N.
     */
    private void channelsHeld() throws Exception {
        int channels = options.intOpt("channels", 100);
        int runs = options.intOpt("runs", 5);
        header("channels-held", "two nodes holding the same " + channels + " channels, or none; " + runs + " runs of each, alternating");
        long[] firstNone = new long[runs];
        long[] firstHeld = new long[runs];
        long[] bytesNone = new long[runs];
        long[] bytesHeld = new long[runs];
        for (int r = 0; r < runs; r++) {
            for (int held : new int[] {0, channels}) {
                MeshNode a = node("A" + r + "-" + held);
                MeshNode b = node("B" + r + "-" + held);
                Entry post = a.publish(Content.Post.text("hello"));
                b.publish(new Content.Follow(a.id(), true));
                a.start("127.0.0.2", 2);
                b.start("127.0.0.1", 2);
                for (int i = 0; i < held; i++) {
                    String name = "c" + i;
                    a.node().channels(c -> c.create(name, name, a.node().config().network().name())).join();
                    var invite = a.node().channels(c -> c.invite(name, List.of())).join();
                    b.node().channels(c -> c.join(invite, name, true, "")).join();
                }
                long t0 = System.nanoTime();
                b.dial(a);
                long atB = waitFor(b, a.id(), post.header().seq(), t0);
                await("the channels' personas synced", 60, () -> b.node().channels(c -> c.list()).join().stream().allMatch(x -> x.personas() == 2)
                        && a.node().channels(c -> c.list()).join().stream().allMatch(x -> x.personas() == 2));
                java.util.Set<AuthorId> theirs = new java.util.HashSet<>();
                for (var x : b.node().channels(c -> c.list()).join()) {
                    for (var m : b.node().channels(c -> c.members(x.handle())).join()) theirs.add(m.persona());
                }
                long bytes = b.node().bytesMoved().get(5, java.util.concurrent.TimeUnit.SECONDS);
                if (held == 0) {
                    firstNone[r] = atB - t0;
                    bytesNone[r] = bytes;
                } else {
                    firstHeld[r] = atB - t0;
                    bytesHeld[r] = bytes;
                }
                detail("run %d, %d channels: first entry %.1f ms after the dial, %,d bytes on the connection (%d members known)",
                        r + 1, held, (atB - t0) / 1e6, bytes, theirs.size());
                closeAll();
            }
        }
        long noneMedian = percentile(firstNone, 50);
        long heldMedian = percentile(firstHeld, 50);
        double perChannel = (percentile(bytesHeld, 50) - percentile(bytesNone, 50)) / (double) channels;
        result(String.format(Locale.ROOT, "channels-held: dial to first entry median %.1f ms with %d channels, %.1f ms with none; %.0f bytes per channel held "
                + "on the connection (tags, personas and each persona's sealed introduction, both ways)", heldMedian / 1e6, channels, noneMedian / 1e6, perChannel));
    }

    /** When {@code node} stored entry {@code seq} of {@code feed}, waiting at most 10 s from {@code since}. */
    static long waitFor(MeshNode node, AuthorId feed, long seq, long since) throws SetupFailure {
        while (node.head(feed) < seq) {
            if (System.nanoTime() - since > 10_000_000_000L) throw new SetupFailure("entry " + seq + " of " + feed + " did not arrive within 10 s");
            LockSupport.parkNanos(50_000);
        }
        return System.nanoTime();
    }

    // ---------------------------------------------------------------- idle

    /** Two synced nodes with 100 feeds each; the bytes their one connection moves while nothing happens. */
    private void idle() throws Exception {
        int seconds = options.intOpt("seconds", options.positional.isEmpty() ? 180 : parseInt("seconds", options.positional.get(0)));
        int authors = options.intOpt("authors", 100);
        int perAuthor = options.intOpt("entries", 5);
        header("idle", "two nodes, " + authors + " feeds x " + perAuthor + " entries each, both synced, " + seconds + " s window");
        if (seconds < 120) detail("note: the transport pings after 45 s without writes; a window under 2 minutes says little");

        List<Identity> ids = IntStream.range(0, authors).mapToObj(i -> Identity.generate(new SecureRandom())).toList();
        List<Entry> entries = new ArrayList<>();
        for (Identity id : ids) entries.addAll(chain(id, perAuthor, 200, new SecureRandom()));
        MeshNode x = node("X");
        MeshNode y = node("Y");
        for (MeshNode n : List.of(x, y)) {
            n.load(entries, LOAD_BATCH);
            for (Identity id : ids) n.publish(new Content.Follow(id.id(), true));
        }
        x.start("127.0.0.1", 1);
        y.start("127.0.0.1", 1);
        long connectAt = System.nanoTime();
        y.dial(x);
        await("X and Y connected and caught up", 60, () -> x.connectedPeers() == 1 && y.connectedPeers() == 1
                && caughtUp(x, authors + 1) && caughtUp(y, authors + 1));
        // Let the replies to the last clocks land before the window opens.
        Thread.sleep(1_000);
        long startBytes = x.node().bytesMoved().get(5, TimeUnit.SECONDS);
        long startBytesY = y.node().bytesMoved().get(5, TimeUnit.SECONDS);
        detail("connect, handshake and sync moved %,d bytes (X's count; Y counts %,d) in %.1f s",
                startBytes, startBytesY, secs(connectAt));
        AuthorId xPeer = x.connectedIds().get(0);

        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long last = startBytes;
        long nextSample = start + 15_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) break;
            LockSupport.parkNanos(Math.min(end, nextSample) - now);
            if (System.nanoTime() >= nextSample || System.nanoTime() >= end) {
                long bytes = x.node().bytesMoved().get(5, TimeUnit.SECONDS);
                detail("  %5.0f s: %,d bytes since the window opened (+%d)", (System.nanoTime() - start) / 1e9,
                        bytes - startBytes, bytes - last);
                last = bytes;
                nextSample += 15_000_000_000L;
            }
        }
        double windowSecs = secs(start);
        long endBytes = x.node().bytesMoved().get(5, TimeUnit.SECONDS);
        long endBytesY = y.node().bytesMoved().get(5, TimeUnit.SECONDS);
        List<AuthorId> stillPeers = x.connectedIds();
        if (!stillPeers.equals(List.of(xPeer)) || endBytes < startBytes) {
            throw new SetupFailure("the connection changed during the window (X's peers now " + stillPeers + ")");
        }
        long moved = endBytes - startBytes;
        double perMinute = moved * 60 / windowSecs;
        detail("Y's count over the window: %,d bytes", endBytesY - startBytesY);
        result(String.format(Locale.ROOT,
                "idle: %,d bytes in %.0f s on one connection (both directions) = %,.0f bytes/min (target < 1024 bytes/min: %s)",
                moved, windowSecs, perMinute, perMinute < 1024 ? "met" : "MISSED"));
    }

    private static boolean caughtUp(MeshNode n, int feeds) {
        try {
            List<Replicator.FeedSync> sync = n.node().sync().get(5, TimeUnit.SECONDS);
            return sync.size() == feeds && sync.stream().allMatch(Replicator.FeedSync::caughtUp);
        } catch (Exception e) {
            throw new SetupFailure(n.name + ": cannot read sync state: " + e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** This benchmark's nodes, for a mode written in a class of its own. */
    private DmBench.Nodes nodes() {
        return new DmBench.Nodes() {
            @Override
            public MeshNode node(String name) throws Exception {
                return MeshBench.this.node(name);
            }

            @Override
            public void closeAll() {
                MeshBench.this.closeAll();
            }
        };
    }

    private MeshNode node(String name) throws Exception {
        MeshNode n = MeshNode.create(name, options.verbose);
        nodes.add(n);
        return n;
    }

    private void closeAll() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException e) {
                System.err.println("meshbench: closing " + nodes.get(i).name + ": " + e);
            }
        }
        nodes.clear();
    }

    private void dumpEvents() {
        for (MeshNode n : nodes) {
            List<String> events = n.recentEvents();
            if (events.isEmpty()) continue;
            System.err.println("--- last events of " + n.name + " (" + n.id() + ")");
            events.forEach(System.err::println);
        }
    }

    static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new SetupFailure("not " + what + " after " + seconds + " s");
            LockSupport.parkNanos(5_000_000);
        }
    }

    static String stats(long[] nanos) {
        return String.format(Locale.ROOT, "median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, min %.2f ms",
                percentile(nanos, 50) / 1e6, percentile(nanos, 90) / 1e6, percentile(nanos, 99) / 1e6,
                percentile(nanos, 100) / 1e6, Arrays.stream(nanos).min().orElse(0) / 1e6);
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double secs(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    static void header(String mode, String what) {
        Runtime rt = Runtime.getRuntime();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        detail("meshbench %s: %s", mode, what);
        detail("JDK %s, %d cores, max heap %d MB, load average %.2f at start", Runtime.version(), rt.availableProcessors(),
                rt.maxMemory() >> 20, load);
    }

    static void detail(String format, Object... args) {
        System.out.println("  " + String.format(Locale.ROOT, format, args));
    }

    static void result(String line) {
        System.out.println(line);
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a whole number");
        }
    }

    /** Process CPU time (all threads) over an interval, against the wall clock. */
    static final class Cpu {
        private final long wall = System.nanoTime();
        private final long cpu = processCpu();

        String since() {
            double w = (System.nanoTime() - wall) / 1e9;
            long now = processCpu();
            if (cpu < 0 || now < 0) return "unavailable";
            double c = (now - cpu) / 1e9;
            return String.format(Locale.ROOT, "%.1f s CPU in %.1f s wall = %.2f cores busy (of %d; load average now %.2f)",
                    c, w, c / w, Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }

        /** CPU seconds used since this was made, -1 if unknown. */
        double seconds() {
            long now = processCpu();
            return cpu < 0 || now < 0 ? -1 : (now - cpu) / 1e9;
        }

        private static long processCpu() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
            return -1;
        }
    }

    /** Mode, flags ({@code --name value}) and positional arguments. */
    private static final class Options {
        final String mode;
        final boolean verbose;
        final List<String> positional;
        final java.util.Map<String, String> flags;

        private Options(String mode, boolean verbose, List<String> positional, java.util.Map<String, String> flags) {
            this.mode = mode;
            this.verbose = verbose;
            this.positional = positional;
            this.flags = flags;
        }

        static Options parse(String[] args) {
            if (args.length == 0) throw new IllegalArgumentException("no mode given");
            String mode = args[0];
            List<String> known = switch (mode) {
                case "sync" -> List.of("authors", "entries", "text-bytes", "verify-seconds", "timeout", "jfr");
                case "propagation" -> List.of("posts", "warmup");
                case "channel" -> List.of("posts", "warmup");
                case "channels-held" -> List.of("channels", "runs");
                case "idle" -> List.of("seconds", "authors", "entries");
                case "blob" -> List.of("mib", "seeders", "warmup", "runs", "timeout", "jfr");
                case "tcp" -> List.of("mib", "runs");
                case "channel-blob" -> List.of("mib", "runs", "timeout");
                case "dm" -> List.of("messages", "warmup");
                case "dms-held" -> List.of("conversations", "seconds");
                default -> throw new IllegalArgumentException("unknown mode '" + mode
                        + "' (sync, propagation, channel, channels-held, idle, blob, channel-blob, tcp, dm, dms-held)");
            };
            boolean verbose = false;
            List<String> positional = new ArrayList<>();
            java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-v") || arg.equals("--verbose")) {
                    verbose = true;
                } else if (arg.startsWith("--")) {
                    String name = arg.substring(2);
                    String value = null;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    }
                    if (!known.contains(name)) {
                        throw new IllegalArgumentException("unknown option --" + name + " for " + mode + " (knows "
                                + known.stream().map(k -> "--" + k).collect(Collectors.joining(", ")) + ")");
                    }
                    if (value == null) {
                        if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
                        value = args[++i];
                    }
                    flags.put(name, value);
                } else {
                    positional.add(arg);
                }
            }
            int allowed = mode.equals("idle") ? 1 : 0;
            if (positional.size() > allowed) throw new IllegalArgumentException("unexpected argument '" + positional.get(allowed) + "'");
            Options o = new Options(mode, verbose, positional, flags);
            // Check every number now, so a typo fails before minutes of setup.
            for (var e : flags.entrySet()) {
                if (e.getKey().equals("jfr")) continue;
                if (e.getKey().equals("verify-seconds")) o.doubleOpt(e.getKey(), 0);
                else if (o.intOpt(e.getKey(), 0) < (e.getKey().equals("warmup") ? 0 : 1)) {
                    throw new IllegalArgumentException("--" + e.getKey() + " must be at least " + (e.getKey().equals("warmup") ? 0 : 1));
                }
            }
            if (!positional.isEmpty() && parseInt("seconds", positional.get(0)) < 1) throw new IllegalArgumentException("seconds must be at least 1");
            return o;
        }

        int intOpt(String name, int fallback) {
            String v = flags.get(name);
            return v == null ? fallback : parseInt("--" + name, v);
        }

        double doubleOpt(String name, double fallback) {
            String v = flags.get(name);
            if (v == null) return fallback;
            try {
                double d = Double.parseDouble(v);
                if (!(d > 0)) throw new IllegalArgumentException("--" + name + " must be positive");
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " '" + v + "' is not a number");
            }
        }
    }
}
