package org.grapevine.node.meshbench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.meshbench.MeshNode.SetupFailure;

/**
 * Blob (media) transfer throughput for {@link MeshBench}: a whole-node fetch of one file from one
 * or more seeders over Noise, and the plain TCP copy of the same bytes it is measured against.
 * Rates are in MiB/s (2^20 bytes per second).
 */
final class BlobBench {
    private static final int CHUNK = BlobHasher.CHUNK_SIZE;
    /** Noise plaintext per transport message (65,535 bytes less the 16-byte tag). */
    private static final int NOISE_PLAINTEXT = 65_535 - 16;

    /** Makes a node the benchmark closes (and whose events it prints) when it ends. */
    interface Nodes {
        MeshNode node(String name) throws Exception;
    }

    private BlobBench() {}

    // ---------------------------------------------------------------- blob

    /**
     * {@code seeders} nodes each add one random file; a fetcher connected to all of them fetches it
     * {@code warmup} times untimed, then {@code runs} times timed from {@code fetchBlob} to its store
     * holding the blob complete, removing it after each. The warm-up is there because the JDK's AES-GCM
     * runs as plain Java until C2 compiles its callers, which takes thousands of Noise messages (a few
     * hundred MiB): a cold first fetch measures the JIT. A negative {@code warmup} means enough fetches
     * to move 512 MiB and then more, up to {@link #MAX_WARMUP}, until one passes with the JIT compilers
     * all but idle: on two cores, C2 still compiling takes a core from the fetch it is timed against.
     * {@code jfr} (or null) records the timed part of the last run.
     */
    static void blob(Nodes nodes, int mib, int seeders, int warmup, int runs, int timeoutSeconds, String jfr) throws Exception {
        long size = (long) mib << 20;
        boolean untilCompiled = warmup < 0;
        if (untilCompiled) warmup = (int) Math.max(1, Math.ceil(512.0 / mib));
        header("blob", String.format(Locale.ROOT, "one %d MiB file, %d seeder%s, one fetcher, %s untimed warm-up fetch%s, %d timed run%s",
                mib, seeders, seeders == 1 ? "" : "s", untilCompiled ? "at least " + warmup : String.valueOf(warmup),
                warmup == 1 && !untilCompiled ? "" : "es", runs, runs == 1 ? "" : "s"));
        if (seeders > 250) throw new SetupFailure("at most 250 seeders (they listen on 127.0.0.2 to 127.0.0.251)");
        Path dir = Files.createTempDirectory("grapevine-blobbench-");
        try {
            Path source = dir.resolve("source.bin");
            long t = System.nanoTime();
            byte[] sha = writeRandom(source, size);
            detail("wrote the random file in %.1f s", secs(t));

            // Seeders listen on 127.0.0.2, .3, ... and dial the fetcher from 127.0.0.1: the addresses the
            // fetcher passes on are 127.0.0.1:<seeder port>, where nothing listens, so seeders stay unlinked
            // to each other and each one's byte count is its traffic with the fetcher alone.
            MeshNode fetcher = nodes.node("F");
            fetcher.start("127.0.0.1", 1);
            List<MeshNode> seeds = new ArrayList<>();
            BlobId id = null;
            t = System.nanoTime();
            for (int i = 0; i < seeders; i++) {
                MeshNode s = nodes.node("S" + (i + 1));
                s.start("127.0.0." + (i + 2), 1);
                BlobStore.Held held = s.node().blobFiles().add(source);
                if (id != null && !id.equals(held.id())) throw new SetupFailure("seeders disagree on the blob id");
                id = held.id();
                seeds.add(s);
            }
            detail("%d seeder%s added the file in %.1f s; blob %s, %d chunks of %d KiB", seeders, seeders == 1 ? "" : "s",
                    secs(t), id, BlobHasher.chunkCount(size), CHUNK >> 10);
            Files.delete(source);
            for (MeshNode s : seeds) s.dial(fetcher);
            await("the fetcher connected to every seeder", 30, () -> fetcher.connectedPeers() == seeders
                    && seeds.stream().allMatch(s -> s.connectedPeers() == 1));

            double[] rates = new double[runs];
            List<String> shares = new ArrayList<>();
            for (int w = 1; w <= warmup || untilCompiled && w <= MAX_WARMUP; w++) {
                Run run = fetchAndCheck(fetcher, seeds, id, size, sha, timeoutSeconds, null, "warm-up " + w, mib);
                if (untilCompiled && w >= warmup && run.compileMillis <= run.seconds * 1000 * IDLE_JIT) break;
            }
            for (int r = 0; r < runs; r++) {
                Run run = fetchAndCheck(fetcher, seeds, id, size, sha, timeoutSeconds, r == runs - 1 ? jfr : null, "run " + (r + 1), mib);
                rates[r] = mib / run.seconds;
                shares.add(run.shares);
            }
            int median = medianIndex(rates);
            List<String> changed = new ArrayList<>();
            for (MeshNode s : seeds) if (s.connectedPeers() != 1) changed.add(s.name + " has " + s.connectedPeers() + " connections");
            if (!changed.isEmpty()) detail("note: topology changed: %s", changed);
            result(String.format(Locale.ROOT, "blob: %d MiB from %d seeder%s: median %.1f MiB/s over %d run%s (%s); median run: %s",
                    mib, seeders, seeders == 1 ? "" : "s", rates[median], runs, runs == 1 ? "" : "s", list(rates),
                    shares.get(median)));
        } finally {
            MeshNode.deleteTree(dir);
        }
    }

    /**
     * A channel attachment against a public blob of the same file: one seeder and one fetcher,
     * both members of one channel; the file added as it is and, encrypted, as the blob of a channel
     * post. Fetches alternate public, channel, public, ... after one untimed fetch of each; rates
     * count the file's MiB.
     */
    static void channelBlob(Nodes nodes, int mib, int runs, int timeoutSeconds) throws Exception {
        long size = (long) mib << 20;
        header("channel-blob", String.format(Locale.ROOT, "one %d MiB file, public and as a channel attachment, one seeder, one fetcher, %d timed runs of each",
                mib, runs));
        Path dir = Files.createTempDirectory("grapevine-blobbench-");
        try {
            Path source = dir.resolve("source.bin");
            byte[] sha = writeRandom(source, size);
            MeshNode fetcher = nodes.node("F");
            MeshNode seeder = nodes.node("S");
            fetcher.start("127.0.0.1", 1);
            seeder.start("127.0.0.2", 1);
            String network = seeder.node().config().network().name();
            seeder.node().channels(c -> c.create("bench", "bench", network)).join();
            var invite = seeder.node().channels(c -> c.invite("bench", List.of())).join();
            fetcher.node().channels(c -> c.join(invite, "bench", true, "")).join();
            BlobId open = seeder.node().blobFiles().add(source).id();
            byte[] key = org.grapevine.identity.channel.ChannelBlobs.newKey();
            Path encrypted = dir.resolve("source.enc");
            try (var in = Files.newInputStream(source); var out = new java.io.BufferedOutputStream(Files.newOutputStream(encrypted), 1 << 20)) {
                org.grapevine.identity.channel.ChannelBlobs.encrypt(in, size, key, out);
            }
            BlobId sealed = seeder.node().blobFiles().add(encrypted).id();
            long sealedSize = Files.size(encrypted);
            Files.delete(encrypted);
            Files.delete(source);
            var post = new org.grapevine.identity.content.Content.Post("bench", null, null, List.of(),
                    List.of(new org.grapevine.identity.content.Content.Attachment(sealed, size, "application/octet-stream", "bench.bin")), "");
            var entry = seeder.node().channels(c -> c.post("bench", post, List.of(new org.grapevine.identity.channel.Sealing.BlobKey(sealed, key, size)))).join();
            seeder.dial(fetcher);
            await("the fetcher holds the channel post (so it is proven a member)", 30,
                    () -> fetcher.head(entry.header().author()) >= entry.header().seq());
            detail("public blob %s, channel blob %s (%d bytes encrypted)", open, sealed, sealedSize);

            double[] publicRates = new double[runs];
            double[] channelRates = new double[runs];
            List<MeshNode> seeds = List.of(seeder);
            fetchOnce(fetcher, seeds, open, size, timeoutSeconds, null);
            fetcher.node().removeBlob(open).get(30, TimeUnit.SECONDS);
            fetchOnce(fetcher, seeds, sealed, sealedSize, timeoutSeconds, null);
            fetcher.node().removeBlob(sealed).get(30, TimeUnit.SECONDS);
            for (int r = 0; r < runs; r++) {
                Run p = fetchOnce(fetcher, seeds, open, size, timeoutSeconds, null);
                if (!Arrays.equals(sha, sha256(fetcher.node().blobFiles().path(open).orElseThrow()))) throw new SetupFailure("the public copy differs");
                fetcher.node().removeBlob(open).get(30, TimeUnit.SECONDS);
                Run c = fetchOnce(fetcher, seeds, sealed, sealedSize, timeoutSeconds, null);
                fetcher.node().removeBlob(sealed).get(30, TimeUnit.SECONDS);
                publicRates[r] = mib / p.seconds;
                channelRates[r] = mib / c.seconds;
                detail("run %d: public %.1f MiB/s, channel %.1f MiB/s", r + 1, publicRates[r], channelRates[r]);
            }
            double pm = publicRates[medianIndex(publicRates)];
            double cm = channelRates[medianIndex(channelRates)];
            result(String.format(Locale.ROOT, "channel-blob: %d MiB: public median %.1f MiB/s, channel median %.1f MiB/s: %.0f%% (target at least 90%%: %s)",
                    mib, pm, cm, 100 * cm / pm, cm >= 0.9 * pm ? "met" : "MISSED"));
        } finally {
            MeshNode.deleteTree(dir);
        }
    }

    /** The most warm-up fetches when warming up until the JIT is idle. */
    private static final int MAX_WARMUP = 10;
    /** The JIT counts as idle during a fetch when it compiled for at most this share of the fetch's time. */
    private static final double IDLE_JIT = 0.05;

    /** What one fetch took: seconds, each seeder's part, the bytes and CPU around it, and the JIT's compile time in it. */
    private record Run(double seconds, String shares, String traffic, String cpu, long compileMillis) {}

    /** One fetch, reported, checked against the original and removed again. */
    private static Run fetchAndCheck(MeshNode fetcher, List<MeshNode> seeds, BlobId id, long size, byte[] sha, int timeoutSeconds,
            String jfr, String name, int mib) throws Exception {
        Run run = fetchOnce(fetcher, seeds, id, size, timeoutSeconds, jfr);
        if (!Arrays.equals(sha, sha256(fetcher.node().blobFiles().path(id).orElseThrow()))) {
            throw new SetupFailure(name + ": the fetched file differs from the original");
        }
        detail("%s: %d MiB in %.2f s = %.1f MiB/s; %s", name, mib, run.seconds, mib / run.seconds, run.shares);
        detail("       %s; %s; JIT compiling %d ms; fetched file verified (SHA-256)", run.traffic, run.cpu, run.compileMillis);
        if (!fetcher.node().removeBlob(id).get(30, TimeUnit.SECONDS)) throw new SetupFailure("the fetcher held no blob to remove");
        return run;
    }

    private static Run fetchOnce(MeshNode fetcher, List<MeshNode> seeds, BlobId id, long size, int timeoutSeconds, String jfr)
            throws Exception {
        Node f = fetcher.node();
        BlobStore files = f.blobFiles();
        long[] before = new long[seeds.size()];
        for (int i = 0; i < before.length; i++) before[i] = seeds.get(i).node().bytesMoved().get(5, TimeUnit.SECONDS);
        long fetcherBefore = f.bytesMoved().get(5, TimeUnit.SECONDS);
        jdk.jfr.Recording recording = jfr == null ? null : new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        if (recording != null) recording.start();
        MeshBench.Cpu cpu = new MeshBench.Cpu();
        ThreadCpu threads = new ThreadCpu();
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compiledBefore = jit.getTotalCompilationTime();

        long start = System.nanoTime();
        f.fetchBlob(id, size).get(5, TimeUnit.SECONDS);
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long nextReport = start + 5_000_000_000L;
        // isComplete takes the store's lock for a map lookup: polled each millisecond it costs the
        // fetch next to nothing and leaves at most a millisecond on the clock.
        while (!files.isComplete(id)) {
            long now = System.nanoTime();
            if (now > deadline) throw new SetupFailure("blob not complete after " + timeoutSeconds + " s: " + progress(f, id));
            if (now >= nextReport) {
                detail("  %5.1f s: %s", (now - start) / 1e9, progress(f, id));
                nextReport += 5_000_000_000L;
            }
            LockSupport.parkNanos(1_000_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long compileMillis = jit.getTotalCompilationTime() - compiledBefore;
        String cpuUse = cpu.since() + "; busiest threads " + threads.top(6);
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(jfr));
            recording.close();
            detail("JFR recording of this run's timed part written to %s", jfr);
        }

        Node.BlobProgress p = f.blobProgress(id).get(5, TimeUnit.SECONDS).orElseThrow();
        long sent = 0;
        long[] moved = new long[seeds.size()];
        for (int i = 0; i < moved.length; i++) {
            moved[i] = seeds.get(i).node().bytesMoved().get(5, TimeUnit.SECONDS) - before[i];
            sent += moved[i];
        }
        // A chunk on the wire: the data, its proof and message header, and a tag and length per Noise message.
        double perChunk = CHUNK + 18.0 * CHUNK / NOISE_PLAINTEXT + 500;
        StringBuilder shares = new StringBuilder("per seeder ");
        for (int i = 0; i < moved.length; i++) {
            shares.append(String.format(Locale.ROOT, "%s%s %.1f MiB (%.0f%%, ~%d chunks)", i == 0 ? "" : ", ", seeds.get(i).name,
                    moved[i] / 1048576.0, sent == 0 ? 0 : 100.0 * moved[i] / sent, Math.round(moved[i] / perChunk)));
        }
        long fetcherMoved = f.bytesMoved().get(5, TimeUnit.SECONDS) - fetcherBefore;
        String traffic = String.format(Locale.ROOT,
                "chunks from %d of %d seeders; %.1f MiB of chunk data stored; connections moved %.1f MiB at the seeders, %.1f MiB at the fetcher (%.2f%% over the blob)",
                p.sources(), seeds.size(), p.bytesReceived() / 1048576.0, sent / 1048576.0, fetcherMoved / 1048576.0,
                100.0 * (fetcherMoved - size) / size);
        return new Run(seconds, shares.toString(), traffic, cpuUse, compileMillis);
    }

    private static String progress(Node f, BlobId id) {
        try {
            return f.blobProgress(id).get(5, TimeUnit.SECONDS)
                    .map(p -> String.format(Locale.ROOT, "%d of %d chunks held, %.1f MiB received, %d sources",
                            p.held(), p.chunks(), p.bytesReceived() / 1048576.0, p.sources()))
                    .orElse("no fetch under way");
        } catch (Exception e) {
            return "progress unavailable: " + e;
        }
    }

    // ---------------------------------------------------------------- tcp

    /** How the receiving side of the TCP copy treats the bytes. */
    private enum Sink {
        SOCKET("socket only, bytes dropped"),
        DISK("to disk, positional 256 KiB writes, unforced"),
        DISK_FORCED("to disk as BlobStore writes: positional 256 KiB writes, forced every " + BlobStore.FLUSH_CHUNKS
                + " chunks or " + BlobStore.FLUSH_MILLIS + " ms and at the end");

        final String what;

        Sink(String what) {
            this.what = what;
        }
    }

    /**
     * The baseline: {@code mib} MiB from memory through a plain socket on 127.0.0.1 to a reader
     * thread in this JVM, no crypto, no hashing; the reader drops them or writes them to a file.
     */
    static void tcp(int mib, int runs) throws Exception {
        long size = (long) mib << 20;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("--mib is at most 2047 for tcp (the bytes are held in memory)");
        header("tcp", mib + " MiB over one plain TCP connection on 127.0.0.1 (TCP_NODELAY, as the transport sets it), "
                + runs + " run" + (runs == 1 ? "" : "s") + " per sink");
        detail("the writer sends from a byte[] in memory in 256 KiB writes; the reader reads 256 KiB at a time");
        byte[] data = new byte[(int) size];
        new SplittableRandom().nextBytes(data);
        byte[] sha = sha256(data);
        Path dir = Files.createTempDirectory("grapevine-tcpbench-");
        try {
            double diskForced = 0;
            double socketOnly = 0;
            for (Sink sink : Sink.values()) {
                double[] rates = new double[runs];
                for (int r = 0; r < runs; r++) {
                    Path out = sink == Sink.SOCKET ? null : dir.resolve("copy-" + r);
                    double seconds = copyOnce(data, out, sink == Sink.DISK_FORCED);
                    rates[r] = mib / seconds;
                    if (out != null) {
                        if (!Arrays.equals(sha, sha256(out))) throw new SetupFailure("the copy differs from the original");
                        Files.delete(out);
                    }
                }
                double median = rates[medianIndex(rates)];
                if (sink == Sink.SOCKET) socketOnly = median;
                if (sink == Sink.DISK_FORCED) diskForced = median;
                detail("%-11s median %7.1f MiB/s (%s) - %s", sink.name().toLowerCase(Locale.ROOT), median, list(rates), sink.what);
            }
            detail("for reference, one thread: AES-256-GCM encrypt of 65,519-byte Noise messages %.0f MiB/s, SHA-256 of 256 KiB chunks %.0f MiB/s",
                    aesGcmRate(), sha256Rate());
            result(String.format(Locale.ROOT,
                    "tcp: %d MiB over 127.0.0.1 without crypto: median %.1f MiB/s written to disk as BlobStore does (target for blob with one seeder: >= %.1f MiB/s); socket only %.1f MiB/s",
                    mib, diskForced, diskForced / 2, socketOnly));
        } finally {
            MeshNode.deleteTree(dir);
        }
    }

    /** One copy; seconds from the connect to the reader having written (and forced) every byte. */
    private static double copyOnce(byte[] data, Path out, boolean force) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            CompletableFuture<Long> reader = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream();
                     FileChannel file = out == null ? null
                             : FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    byte[] buffer = new byte[CHUNK];
                    long at = 0;
                    int unforced = 0;
                    long forcedAt = System.nanoTime();
                    int n;
                    while ((n = in.readNBytes(buffer, 0, CHUNK)) > 0) {
                        if (file != null) {
                            ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                            long pos = at;
                            while (b.hasRemaining()) pos += file.write(b, pos);
                            // BlobStore's rule for a partial blob: forced every so many chunks or so long.
                            if (force && (++unforced >= BlobStore.FLUSH_CHUNKS
                                    || System.nanoTime() - forcedAt >= BlobStore.FLUSH_MILLIS * 1_000_000)) {
                                file.force(false);
                                unforced = 0;
                                forcedAt = System.nanoTime();
                            }
                        }
                        at += n;
                    }
                    if (file != null && force) file.force(true);
                    reader.complete(at);
                } catch (Throwable e) {
                    reader.completeExceptionally(e);
                }
            }, "tcpbench-reader");
            t.setDaemon(true);
            t.start();
            long start = System.nanoTime();
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.connect(server.getLocalSocketAddress());
                OutputStream o = s.getOutputStream();
                for (int off = 0; off < data.length; off += CHUNK) o.write(data, off, Math.min(CHUNK, data.length - off));
                s.shutdownOutput();
                long got = reader.get(300, TimeUnit.SECONDS);
                if (got != data.length) throw new SetupFailure("the reader got " + got + " of " + data.length + " bytes");
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    /** Single-thread AES-256-GCM encryption of full Noise messages, as the transport does with the JDK cipher. */
    private static double aesGcmRate() throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
        byte[] in = new byte[NOISE_PLAINTEXT];
        byte[] out = new byte[NOISE_PLAINTEXT + 16];
        byte[] iv = new byte[12];
        long[] nonce = {0};
        return warmRate(NOISE_PLAINTEXT, len -> {
            nonce[0]++;
            for (int i = 0; i < 8; i++) iv[4 + i] = (byte) (nonce[0] >>> (56 - 8 * i));
            try {
                c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
                c.doFinal(in, 0, len, out, 0);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Single-thread SHA-256 of 256 KiB chunks, the hash every chunk's proof is checked with. */
    private static double sha256Rate() {
        MessageDigest d = sha();
        byte[] chunk = new byte[CHUNK];
        return warmRate(CHUNK, len -> {
            d.update(chunk, 0, len);
            d.digest();
        });
    }

    /**
     * MiB/s of {@code work} on pieces of {@code len} bytes once warm. The JDK's AES-GCM and SHA-256
     * intrinsics arrive only with C2, which large pieces reach slowly (few calls): 2 s of 1 KiB pieces
     * first, then half-second windows until three in a row beat the best by under 5%; the best counts.
     */
    private static double warmRate(int len, java.util.function.IntConsumer work) {
        long warm = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < warm) work.accept(1024);
        double best = 0;
        for (int flat = 0, windows = 0; flat < 3 && windows < 40; windows++) {
            long start = System.nanoTime();
            long bytes = 0;
            long now;
            do {
                work.accept(len);
                bytes += len;
                now = System.nanoTime();
            } while (now - start < 500_000_000L);
            double rate = bytes / 1048576.0 / ((now - start) / 1e9);
            flat = rate > best * 1.05 ? 0 : flat + 1;
            best = Math.max(best, rate);
        }
        return best;
    }

    // ---------------------------------------------------------------- helpers

    /** Writes {@code size} random bytes to {@code file}; returns their SHA-256. */
    private static byte[] writeRandom(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom();
        MessageDigest d = sha();
        byte[] block = new byte[1 << 20];
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(block.length, left);
                random.nextBytes(block);
                d.update(block, 0, n);
                ByteBuffer b = ByteBuffer.wrap(block, 0, n);
                while (b.hasRemaining()) out.write(b);
                left -= n;
            }
        }
        return d.digest();
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest d = sha();
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(b) >= 0) {
                b.flip();
                d.update(b);
                b.clear();
            }
        }
        return d.digest();
    }

    private static byte[] sha256(byte[] data) {
        return sha().digest(data);
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The index of the median (the lower middle one for an even count). */
    private static int medianIndex(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        return order[(values.length - 1) / 2];
    }

    private static String list(double[] rates) {
        StringBuilder s = new StringBuilder("runs");
        for (double r : rates) s.append(String.format(Locale.ROOT, " %.1f", r));
        return s.toString();
    }

    private static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new SetupFailure("not " + what + " after " + seconds + " s");
            LockSupport.parkNanos(5_000_000);
        }
    }

    private static double secs(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void header(String mode, String what) {
        Runtime rt = Runtime.getRuntime();
        detail("meshbench %s: %s", mode, what);
        detail("JDK %s, %d cores, max heap %d MB, load average %.2f at start", Runtime.version(), rt.availableProcessors(),
                rt.maxMemory() >> 20, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void detail(String format, Object... args) {
        System.out.println("  " + String.format(Locale.ROOT, format, args));
    }

    private static void result(String line) {
        System.out.println(line);
    }

    /**
     * CPU time per thread over an interval. Every node has threads of the same names; nodes start in
     * order (the fetcher first), so among threads of one name the lowest id is the fetcher's.
     */
    private static final class ThreadCpu {
        private final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        private final java.util.Map<Long, Long> before = new java.util.HashMap<>();
        private final long wall = System.nanoTime();

        ThreadCpu() {
            for (long id : mx.getAllThreadIds()) before.put(id, mx.getThreadCpuTime(id));
        }

        String top(int n) {
            double w = (System.nanoTime() - wall) / 1e9;
            record Use(String name, long id, long nanos) {}
            List<Use> uses = new ArrayList<>();
            for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t == null) continue;
                long now = mx.getThreadCpuTime(t.getThreadId());
                long was = before.getOrDefault(t.getThreadId(), 0L);
                if (now > was && was >= 0) uses.add(new Use(t.getThreadName(), t.getThreadId(), now - was));
            }
            uses.sort((a, b) -> Long.compare(b.nanos, a.nanos));
            StringBuilder s = new StringBuilder();
            for (Use u : uses.subList(0, Math.min(n, uses.size()))) {
                s.append(String.format(Locale.ROOT, "%s%s#%d %.0f%%", s.length() == 0 ? "" : ", ", u.name, u.id, 100 * u.nanos / 1e9 / w));
            }
            return s.toString();
        }
    }
}
