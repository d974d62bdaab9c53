package org.grapevine.node.mesh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.Publisher;
import org.grapevine.node.store.Store;

/**
 * What each attack of {@link Attacks} costs a node in a process of its own (bench/hostile): its
 * peak RSS, its live heap after a full GC before, under and after the attack, its open files, and
 * how long an honest post takes to cross it (h1 posts, the target relays, h2 receives) without
 * the attack and during it. The attacker runs in a third process held to one core with taskset.
 *
 * <pre>
 *   run [--seconds 30] [--attacks wants,pings,...|all]   the table (default: each attack, then all at once)
 *   target DIR FOLLOW_ID...                               (internal) the target node
 *   attack NAME HOST PORT BLOB FEED CLAIMED_PORT SECONDS  (internal) one attacker
 * </pre>
 */
public final class HostileBench {
    static final NetworkKey NETWORK = NetworkKey.named("hostile-bench");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MIB = 1 << 20;

    private HostileBench() {}

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "run" : args[0]) {
            case "target" -> target(Path.of(args[1]), List.of(args).subList(2, args.length));
            case "attack" -> attack(args);
            case "run" -> run(args);
            default -> {
                System.err.println("usage: run [--seconds N] [--attacks a,b|all] | target DIR ID... | attack ...");
                System.exit(2);
            }
        }
    }

    // ---- the target process

    /** A node that follows the given ids and holds a 16 MiB blob; prints "ready PORT BLOB ID", runs until stdin closes. */
    private static void target(Path dir, List<String> follows) throws Exception {
        Home home = new Home(dir);
        home.create();
        Identity identity = Identity.generate(RANDOM);
        try (Store store = Store.open(home.storeFile())) {
            Publisher publisher = new Publisher(identity, store, Clock.systemUTC());
            for (String id : follows) publisher.publish(new Content.Follow(AuthorId.parse(id), true));
            Node.Config config = Node.Config.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)).withNetwork(NETWORK);
            Node node = Node.start(home, identity, store, config, line -> {});
            byte[] big = new byte[16 << 20];
            new Random(3).nextBytes(big);
            Path file = dir.resolve("big");
            Files.write(file, big);
            BlobId blob = node.blobFiles().add(file).id();
            System.out.println("ready " + node.listenAddress().getPort() + " " + blob.hex() + " " + identity.id());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Until the bench closes our stdin.
            }
            node.close();
        }
    }

    // ---- the attacker process

    private static void attack(String[] a) throws Exception {
        long end = System.nanoTime() + Long.parseLong(a[7]) * 1_000_000_000L;
        Attacks.Aim aim = new Attacks.Aim(new InetSocketAddress(a[2], Integer.parseInt(a[3])), NETWORK, () -> System.nanoTime() < end,
                new BlobId(HexFormat.of().parseHex(a[4])), AuthorId.parse(a[5]), Integer.parseInt(a[6]));
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        Map<String, Attacks.Attack> all = Attacks.all();
        if (a[1].equals("all")) all.forEach((name, attack) -> threads.add(Attacks.loop(name, attack, aim, unexpected)));
        else threads.add(Attacks.loop(a[1], all.get(a[1]), aim, unexpected));
        for (Thread t : threads) t.join();
        for (Throwable t : unexpected) t.printStackTrace();
        System.exit(unexpected.isEmpty() ? 0 : 1);
    }

    // ---- the run

    private record Figures(String attack, long heapBefore, long heapUnder, long heapAfter, long peakRss, long filesBefore, long peakFiles,
                           long medianWithout, long p99Without, long medianDuring, long p99During, int postsDuring, String note) {}

    private static void run(String[] args) throws Exception {
        int seconds = 30;
        List<String> attacks = new ArrayList<>(Attacks.all().keySet());
        attacks.add("all");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--attacks" -> attacks = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.printf("hostile bench: %d s per attack, attacker on core 1 (taskset), target in its own JVM (%s)%n", seconds,
                Runtime.version());
        System.out.printf("%-10s %10s %10s %10s %9s %9s %9s %14s %14s %6s  %s%n", "attack", "heap MiB", "under", "after", "peak RSS",
                "files", "peak", "without ms", "during ms", "posts", "");
        for (String attack : attacks) {
            Figures f = measure(attack, seconds);
            System.out.printf("%-10s %10d %10d %10d %9d %9d %9d %6d / %5d %6d / %5d %6d  %s%n", f.attack(), f.heapBefore() / MIB,
                    f.heapUnder() / MIB, f.heapAfter() / MIB, f.peakRss() / MIB, f.filesBefore(), f.peakFiles(), f.medianWithout(),
                    f.p99Without(), f.medianDuring(), f.p99During(), f.postsDuring(), f.note());
        }
        System.out.println("heap: live heap after a full GC, before the attack, at its end, and 10 s after it; RSS and files: the target's;"
                + " ms: honest delivery median / p99, without the attack and during it");
    }

    private static Figures measure(String attack, int seconds) throws Exception {
        Path root = Files.createTempDirectory("grapevine-hostile-");
        try (Honest h1 = Honest.start("h1", root.resolve("h1"));
             Honest h2 = Honest.start("h2", root.resolve("h2"));
             Honest h3 = Honest.start("h3", root.resolve("h3"))) {
            h2.node.follow(h1.node);
            Process target = start(List.of(), "target", root.resolve("target").toString(), h1.node.id().toString(), h3.node.id().toString());
            try {
                String[] ready = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8)).readLine().split(" ");
                int port = Integer.parseInt(ready[1]);
                AuthorId targetId = AuthorId.parse(ready[3]);
                h1.dial(port, targetId);
                h2.dial(port, targetId);
                List<Long> without = new ArrayList<>();
                for (int i = 0; i < 40; i++) without.add(h1.postAndWait(h2, "warm " + i));
                long pid = target.pid();
                long heapBefore = liveHeap(pid);
                long filesBefore = openFiles(pid);

                Process attacker = start(List.of("taskset", "-c", "1"), "attack", attack, "127.0.0.1", Integer.toString(port), ready[2],
                        h1.node.id().toString(), Integer.toString(h2.node.port()), Integer.toString(seconds));
                boolean probe = attack.equals("sybils") || attack.equals("all");
                long started = System.nanoTime();
                List<Long> during = new ArrayList<>();
                long peakRss = 0;
                long peakFiles = 0;
                long heapUnder = -1;
                String note = "";
                int post = 0;
                while (attacker.isAlive()) {
                    during.add(h1.postAndWait(h2, "during " + post++));
                    peakRss = Math.max(peakRss, rss(pid));
                    peakFiles = Math.max(peakFiles, openFiles(pid));
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    if (probe && note.isEmpty() && elapsed > seconds / 2.0) {
                        // Halfway through, a peer the target follows (h3) dials it.
                        long t0 = System.nanoTime();
                        h3.dial(port, targetId);
                        while (!h3.node.connectedPeers().contains(targetId) && System.nanoTime() - t0 < 30_000_000_000L) park();
                        note = "a followed peer got in in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                    }
                    if (heapUnder < 0 && elapsed > seconds - 3) heapUnder = liveHeap(pid);
                }
                if (attacker.exitValue() != 0) note += " (attacker exit " + attacker.exitValue() + ")";
                long after = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < after) h1.postAndWait(h2, "after " + post++);
                long heapAfter = liveHeap(pid);
                return new Figures(attack, heapBefore, heapUnder, heapAfter, peakRss, filesBefore, peakFiles, median(without), p99(without),
                        median(during), p99(during), during.size(), note);
            } finally {
                target.getOutputStream().close();
                if (!target.waitFor(30, TimeUnit.SECONDS)) target.destroyForcibly();
            }
        }
    }

    /** An honest node of the run, in this JVM, on the bench network. */
    private record Honest(TestNode node) implements AutoCloseable {
        static Honest start(String name, Path dir) {
            Node.Config config = Node.Config.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)).withNetwork(NETWORK);
            return new Honest(TestNode.start(name, new Home(dir), Identity.generate(RANDOM), config));
        }

        void dial(int port, AuthorId target) {
            node.node().addPeer(new org.grapevine.gossip.discovery.PeerAddress("127.0.0.1", port, target),
                    org.grapevine.gossip.discovery.PeerTable.Source.BOOTSTRAP);
        }

        /** Posts {@code text} and waits until {@code reader} holds it: milliseconds. */
        long postAndWait(Honest reader, String text) {
            long t0 = System.nanoTime();
            node.post(text);
            while (!reader.node.sees(node, text)) {
                if (System.nanoTime() - t0 > 60_000_000_000L) throw new IllegalStateException(text + " did not arrive in 60 s");
                park();
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }

        @Override
        public void close() {
            node.stop();
        }
    }

    private static void park() {
        LockSupport.parkNanos(500_000);
    }

    /** Starts this class in a JVM of its own with {@code args}, the command after {@code prefix} (taskset, say). */
    private static Process start(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HostileBench.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static final Pattern TOTAL = Pattern.compile("Total\\s+\\d+\\s+(\\d+)");

    /**
     * The live heap of process {@code pid}: the bytes of all objects its class histogram counts,
     * which jcmd takes after a full GC, in one step (the heap's "used" after a separate GC.run
     * would count what an attack allocated in between).
     */
    private static long liveHeap(long pid) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Matcher m = TOTAL.matcher(output(jcmd, Long.toString(pid), "GC.class_histogram"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        return -1;
    }

    private static long openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private static long p99(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100));
    }
}
