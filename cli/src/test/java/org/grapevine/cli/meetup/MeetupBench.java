package org.grapevine.cli.meetup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grapevine.cli.GrapevineJar;
import org.grapevine.cli.GrapevineJar.Daemon;
import org.grapevine.cli.MdnsProbe;
import org.grapevine.testnet.process.NetnsLan;

/**
 * The meetup figures of issue 4, run by {@code bench/meetup}: how long a newcomer's daemon takes,
 * from its start, to connect to a node already on the LAN and to hold that node's post, with no
 * address given (mDNS only). Two hosts in network namespaces joined by a bridge; each run has
 * fresh homes: alice posts and runs her daemon, bob follows alice by id, and once a plain mDNS
 * client on bob's host hears alice, bob's daemon starts. Times come from bob's log timestamps,
 * measured from just before his process starts (so JVM start-up counts).
 *
 * <p>Usage: {@code MeetupBench --jar GRAPEVINE.JAR [--java JAVA] [--runs N] [--work DIR]}.
 */
public final class MeetupBench {
    private static final int PORT = 7733;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern SYNCED = Pattern.compile(" synced (\\d+) entr(?:y|ies) from (@\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long CONNECT_TARGET_MS = 5_000;
    static final long POST_TARGET_MS = 6_000;

    /** One run's milestones in bob's log, in ms from just before his process started. */
    record Run(long listening, long found, long connected, long post) {}

    private final GrapevineJar grapevine;
    private final Path work;
    private final String probeClassPath;

    private MeetupBench(GrapevineJar grapevine, Path work, String probeClassPath) {
        this.grapevine = grapevine;
        this.work = work;
        this.probeClassPath = probeClassPath;
    }

    public static void main(String[] args) throws Exception {
        Path jar = null;
        String java = ProcessHandle.current().info().command().orElse("java");
        int runs = 10;
        Path work = Files.createTempDirectory("meetup-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--jar" -> jar = Path.of(args[++i]);
                case "--java" -> java = args[++i];
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: MeetupBench --jar GRAPEVINE.JAR [--java JAVA] [--runs N] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        if (jar == null || !Files.isRegularFile(jar)) {
            System.err.println("MeetupBench: --jar must name grapevine.jar (given: " + jar + ")");
            System.exit(2);
        }
        // The probe runs from the class path this bench was started with (test classes and the jar).
        String classPath = System.getProperty("java.class.path");
        MeetupBench bench = new MeetupBench(new GrapevineJar(java, jar, work.resolve("out"), false), work, classPath);
        NetnsLan lan;
        try {
            lan = NetnsLan.create(2);
        } catch (NetnsLan.Unavailable e) {
            System.err.println("MeetupBench: needs root and ip netns: " + e.getMessage());
            System.exit(1);
            return;
        }
        List<Run> results = new ArrayList<>();
        int failed = 0;
        try {
            System.out.printf("meetup bench: %d runs on %s, work in %s%n", runs, java, work);
            System.out.println("run  bob listening  found alice  connected  has the post   (ms from bob's process start)");
            for (int i = 1; i <= runs; i++) {
                try {
                    Run r = bench.run(i, lan.host(0), lan.host(1));
                    results.add(r);
                    System.out.printf("%3d  %13d  %11d  %9d  %12d%n", i, r.listening(), r.found(), r.connected(), r.post());
                } catch (IOException | IllegalStateException e) {
                    failed++;
                    System.out.printf("%3d  failed: %s%n", i, e.getMessage());
                }
            }
        } finally {
            lan.close();
        }
        if (results.isEmpty()) {
            System.out.println("no run succeeded");
            System.exit(1);
        }
        System.out.println();
        System.out.printf("%-14s %8s %8s %8s%n", "", "median", "min", "max");
        summary("bob listening", results.stream().mapToLong(Run::listening).toArray());
        summary("found alice", results.stream().mapToLong(Run::found).toArray());
        long connected = summary("connected", results.stream().mapToLong(Run::connected).toArray());
        long post = summary("has the post", results.stream().mapToLong(Run::post).toArray());
        System.out.printf("%nconnection: median %.2f s, target < %.0f s: %s%n", connected / 1000.0, CONNECT_TARGET_MS / 1000.0,
                connected < CONNECT_TARGET_MS ? "met" : "MISSED");
        System.out.printf("post:       median %.2f s, target < %.0f s: %s%n", post / 1000.0, POST_TARGET_MS / 1000.0,
                post < POST_TARGET_MS ? "met" : "MISSED");
        if (failed > 0) {
            System.out.printf("%d of %d runs failed%n", failed, runs);
            System.exit(1);
        }
    }

    private Run run(int n, NetnsLan.Host aliceHost, NetnsLan.Host bobHost) throws IOException, InterruptedException {
        Path dir = work.resolve("run-" + n);
        Path alice = dir.resolve("alice");
        Path bob = dir.resolve("bob");
        String aliceId = grapevine.run(alice, "init", "--name", "alice", "--no-passphrase").strip();
        grapevine.run(bob, "init", "--name", "bob", "--no-passphrase");
        String text = "meetup bench post " + n;
        grapevine.run(alice, "post", text);
        grapevine.run(bob, "follow", aliceId);
        long postSeq = -1;
        for (JsonNode item : JSON.readTree(grapevine.run(alice, "feed", "--json"))) {
            if (text.equals(item.path("text").asText())) postSeq = item.path("seq").asLong();
        }
        if (postSeq < 1) throw new IllegalStateException("alice's feed lacks her post");

        List<Daemon> daemons = new ArrayList<>();
        try {
            Daemon a = grapevine.daemon(aliceHost, alice, "--listen", "0.0.0.0:" + PORT);
            daemons.add(a);
            waitFor(() -> a.logged("listening on ") && a.logged("looking for nearby nodes"), "alice's daemon to start", a);
            // Alice is at the meetup already: bob's host can hear her announcement.
            Daemon probe = grapevine.start(bobHost, grapevine.javaMain(probeClassPath, MdnsProbe.class.getName(),
                    bobHost.address(), "120"));
            daemons.add(probe);
            waitFor(() -> probe.line("\"" + aliceHost.address() + "\"", "\"n\"").isPresent(),
                    "a plain mDNS client on bob's host to hear alice", probe);
            probe.stop(5);

            Daemon b = grapevine.daemon(bobHost, bob, "--listen", "0.0.0.0:" + PORT);
            daemons.add(b);
            long start = b.startMillis();
            waitFor(() -> b.logged("connected " + aliceId), "bob to connect to alice", b);
            long seq = postSeq;
            waitFor(() -> cumulativeLine(b, aliceId, seq) != null, "alice's post to reach bob", b);
            Run r = new Run(Daemon.timeOf(b.line("listening on ").orElseThrow()) - start,
                    Daemon.timeOf(b.line(" found " + aliceHost.address()).orElseThrow()) - start,
                    Daemon.timeOf(b.line("connected " + aliceId).orElseThrow()) - start,
                    Daemon.timeOf(cumulativeLine(b, aliceId, seq)) - start);
            String feed = grapevine.run(bob, "feed", "--json");
            if (!feed.contains(text)) throw new IllegalStateException("bob logged the sync but his feed lacks the post");
            return r;
        } finally {
            GrapevineJar.stopAll(daemons, 10);
        }
    }

    /** The line at which the entries synced from {@code author} add up to {@code count}, or null. */
    private static String cumulativeLine(Daemon d, String author, long count) {
        long sum = 0;
        for (String line : d.log()) {
            Matcher m = SYNCED.matcher(line);
            if (m.find() && m.group(2).equals(author)) {
                sum += Long.parseLong(m.group(1));
                if (sum >= count) return line;
            }
        }
        return null;
    }

    private static void waitFor(BooleanSupplier done, String what, Daemon watched) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (!watched.process().isAlive() && !done.getAsBoolean()) {
                throw new IOException("gave up waiting for " + what + ": the process exited; its output:\n" + watched);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("gave up waiting " + STEP_TIMEOUT.toSeconds() + " s for " + what + "; output:\n" + watched);
            }
            Thread.sleep(20); // the figures come from log timestamps, not from this poll
        }
    }

    /** Prints median, min and max; returns the median. */
    private static long summary(String label, long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        long median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        System.out.printf("%-14s %8d %8d %8d%n", label, median, v[0], v[v.length - 1]);
        return median;
    }
}
