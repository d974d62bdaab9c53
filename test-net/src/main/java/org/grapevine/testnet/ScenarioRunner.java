package org.grapevine.testnet;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.gossip.transport.Transport;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;
import org.grapevine.node.replication.Interest;
import org.grapevine.testnet.link.LinkEmulator;
import org.grapevine.testnet.scenario.NodeSet;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.Step;

/**
 * Runs a {@link Scenario} on real nodes in this JVM: each with its own home under the work
 * directory, its own port on 127.0.0.1 and its own MapDB store, all sharing one set of event loops,
 * with a {@link LinkEmulator} under every connection. Prints what happens, step by step, and
 * returns the reports.
 */
public final class ScenarioRunner implements AutoCloseable {
    /** How often an await looks again. */
    private static final long POLL_MILLIS = 20;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    /** Where nodes live, where the story goes, and whether to also print every node's event log. */
    public record Options(Path workDir, PrintWriter out, boolean verbose) {}

    /** Every report the scenario asked for, the final one last, and whether every await came true. */
    public record Result(List<String> texts, List<String> jsons, boolean awaitsOk, boolean allDelivered, double reliability,
                         int internalErrors) {
        public String lastJson() {
            return jsons.get(jsons.size() - 1);
        }

        public String lastText() {
            return texts.get(texts.size() - 1);
        }

        public boolean ok() {
            return awaitsOk && allDelivered && internalErrors == 0;
        }
    }

    private final Options options;
    private final PrintWriter out;
    private final LinkEmulator links = new LinkEmulator();
    private final Tracker tracker = new Tracker();
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<Integer, String> names = new HashMap<>();
    /** follower → followed, as the scenario made them. */
    private final Map<Integer, Set<Integer>> follows = new HashMap<>();
    /** author → nodes interested in it, from {@link #follows}; cleared when a follow is made. */
    private final Map<Integer, Set<Integer>> interestedIn = new HashMap<>();
    private final Set<int[]> topologyEdges = new LinkedHashSet<>();
    private final List<Report.AwaitResult> awaits = new ArrayList<>();
    private final List<Long> convergence = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** Exceptions nobody expected, logged by any node: a run with one is not a success. */
    private final java.util.concurrent.atomic.AtomicInteger internalErrors = new java.util.concurrent.atomic.AtomicInteger();
    private EventLoopGroup group;
    private RandomGenerator random;
    private int hops;
    private long started;
    /** System.nanoTime of the last kill, restart, partition or heal not yet followed by an await; 0 if none. */
    private long lastFault;

    public ScenarioRunner(Options options) {
        this.options = options;
        this.out = options.out();
    }

    public Result run(Scenario scenario) {
        started = System.nanoTime();
        random = new SplittableRandom(scenario.seed());
        hops = scenario.hops();
        group = Transport.sharedGroup(Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<String> texts = new ArrayList<>();
        List<String> jsons = new ArrayList<>();
        startNodes(scenario.nodes(), scenario.topology());
        Report last = null;
        for (Step step : scenario.actions()) {
            last = step(step);
            if (last != null) {
                texts.add(last.text());
                jsons.add(last.json());
                out.print(last.text());
            }
        }
        if (last == null) {
            // The script did not end with a report of its own.
            last = report("end");
            texts.add(last.text());
            jsons.add(last.json());
            out.print(last.text());
        }
        out.flush();
        return new Result(texts, jsons, last.awaitsOk(), last.allDelivered(), last.reliability(), internalErrors.get());
    }

    // ---- set-up ----

    private void startNodes(int count, Step.Topology topology) {
        NetworkKey network = NetworkKey.named("testnet-" + UUID.randomUUID());
        int degree = switch (topology.kind()) {
            case CHAIN, RING -> 2;
            case STAR -> 1;
            case FULL -> count - 1;
            case RANDOM -> topology.degree();
        };
        for (int i = 0; i < count; i++) {
            Node.Config config = new Node.Config(new InetSocketAddress("127.0.0.1", 0), List.of(), network, hops,
                    Math.max(1, Math.min(degree, 8)), 2_000, 250, Node.Lan.OFF,
                    new Node.Blobs(Node.Blobs.DEFAULTS.maxSize(), Node.Blobs.DEFAULTS.maxSize(), 2));
            Identity identity = Identity.generate(new SecureRandom());
            int index = i;
            // Many nodes share two cores here: a handshake may wait its turn far longer than on a network.
            Node.Hooks hooks = new Node.Hooks(group, links.shaperFor(i), tracker.observerFor(i), HANDSHAKE_TIMEOUT_MILLIS);
            SimNode n = new SimNode(i, options.workDir().resolve("node-" + i), identity, config, hooks,
                    line -> {
                        events.add(index + " " + line);
                        if (line.startsWith("internal error") && internalErrors.getAndIncrement() < 3) {
                            out.println("           node " + index + ": " + line);
                        } else if (options.verbose()) {
                            out.println("           node " + index + ": " + line);
                        }
                    });
            tracker.node(identity.id(), i);
            n.start();
            links.register(i, n.port());
            nodes.add(n);
        }
        for (int[] e : edges(topology, count)) {
            topologyEdges.add(e);
            nodes.get(e[0]).dial(nodes.get(e[1]));
        }
        say(String.format(Locale.ROOT, "%d nodes up, topology %s", count,
                topology.kind().name().toLowerCase(Locale.ROOT) + (topology.kind() == Step.Topology.Kind.RANDOM ? " " + topology.degree() : "")));
    }

    /** Who dials whom: each pair once. */
    private List<int[]> edges(Step.Topology t, int n) {
        List<int[]> out = new ArrayList<>();
        switch (t.kind()) {
            case CHAIN -> {
                for (int i = 0; i + 1 < n; i++) out.add(new int[] {i + 1, i});
            }
            case RING -> {
                for (int i = 0; i + 1 < n; i++) out.add(new int[] {i + 1, i});
                if (n > 2) out.add(new int[] {0, n - 1});
            }
            case STAR -> {
                for (int i = 1; i < n; i++) out.add(new int[] {i, 0});
            }
            case FULL -> {
                for (int i = 0; i < n; i++) for (int j = 0; j < i; j++) out.add(new int[] {i, j});
            }
            case RANDOM -> {
                Set<Long> seen = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    for (int j : othersAtRandom(i, n, t.degree())) {
                        long key = (long) Math.min(i, j) << 32 | Math.max(i, j);
                        if (seen.add(key)) out.add(new int[] {i, j});
                    }
                }
            }
        }
        return out;
    }

    /** Up to {@code k} of the {@code n} nodes other than {@code self}, drawn at random. */
    private List<Integer> othersAtRandom(int self, int n, int k) {
        List<Integer> others = new ArrayList<>();
        for (int j = 0; j < n; j++) if (j != self) others.add(j);
        int count = Math.min(k, others.size());
        return count < 1 ? List.of() : NodeSet.random(count).resolveAmong(others, random);
    }

    // ---- steps ----

    private Report step(Step step) {
        if (step instanceof Step.Link l) {
            LinkEmulator.Conditions c = new LinkEmulator.Conditions(l.latency(), l.jitter(), l.loss());
            if (l.nodes() instanceof NodeSet.All) links.setAll(c);
            else links.set(new HashSet<>(resolve(l.nodes())), c);
            say("links " + l.nodes() + ": latency " + l.latency().toMillis() + " ms, jitter " + l.jitter().toMillis()
                    + " ms, loss " + String.format(Locale.ROOT, "%.1f%%", l.loss() * 100));
        } else if (step instanceof Step.Follow f) {
            int made = 0;
            for (int a : resolveUp(f.from())) {
                for (int b : resolve(f.to())) {
                    if (a != b && follow(a, b)) made++;
                }
            }
            say(made + " follows: " + f.from() + " -> " + f.to());
        } else if (step instanceof Step.FollowRandom f) {
            int made = 0;
            for (int a : resolveUp(f.from())) {
                for (int b : othersAtRandom(a, nodes.size(), f.count())) if (follow(a, b)) made++;
            }
            say(made + " follows: " + f.from() + " each follow " + f.count() + " at random");
        } else if (step instanceof Step.Post p) {
            int made = 0;
            int down = 0;
            List<Integer> who = p.who() instanceof NodeSet.Fixed ? resolve(p.who()) : resolveUp(p.who());
            for (int a : who) {
                SimNode n = nodes.get(a);
                if (!n.alive()) {
                    if (who.size() == 1) throw new ScenarioFailure("line " + p.line() + ": node " + a + " is not running");
                    down++;
                    continue;
                }
                for (int k = 0; k < p.count(); k++) {
                    String text = p.text() != null ? p.text() : "post " + (k + 1) + " of node " + a;
                    int author = a;
                    n.publish(Content.Post.text(text), e -> tracker.posted(e, author, null));
                    made++;
                }
            }
            say(made == 1 && p.text() != null ? name(who.get(0)) + " posts \"" + p.text() + "\""
                    : made + " posts by " + p.who() + (down > 0 ? " (" + down + " of them down)" : ""));
        } else if (step instanceof Step.Attach a) {
            attach(a);
        } else if (step instanceof Step.Await a) {
            await(a);
        } else if (step instanceof Step.Wait w) {
            say("waiting " + w.duration().toMillis() + " ms");
            pause(w.duration());
        } else if (step instanceof Step.Kill k) {
            List<Integer> which = resolveUp(k.nodes());
            for (int i : which) nodes.get(i).stop();
            fault();
            say("killed " + which.size() + " node" + (which.size() == 1 ? "" : "s") + ": " + k.nodes());
        } else if (step instanceof Step.Restart r) {
            List<Integer> which = r.nodes() instanceof NodeSet.Fixed ? resolve(r.nodes()) : resolveDown(r.nodes());
            for (int i : which) restart(i);
            fault();
            say("restarted " + which.size() + " node" + (which.size() == 1 ? "" : "s") + ": " + r.nodes());
        } else if (step instanceof Step.Partition p) {
            List<Set<Integer>> sides = new ArrayList<>();
            for (NodeSet s : p.sides()) sides.add(new HashSet<>(resolve(s)));
            links.partition(sides);
            fault();
            say("partition " + p.sides());
        } else if (step instanceof Step.Heal h) {
            links.heal();
            // Nodes whose links were cut back off dialing; remind them of their topology.
            for (int[] e : topologyEdges) {
                if (nodes.get(e[0]).alive() && nodes.get(e[1]).alive()) nodes.get(e[0]).dial(nodes.get(e[1]));
            }
            fault();
            say("healed");
        } else if (step instanceof Step.Report r) {
            return report(r.label());
        } else if (step instanceof Step.Feeds f) {
            feeds(resolve(f.who()));
        } else if (step instanceof Step.Say s) {
            say(s.text());
        } else if (step instanceof Step.Name n) {
            names.put(n.node(), n.name());
            live(n.node(), n.line()).publish(new Content.About(n.name(), "", null));
            say("node " + n.node() + " is " + n.name());
        } else {
            throw new IllegalStateException("line " + step.line() + ": a set-up step after the start: " + step);
        }
        return null;
    }

    private boolean follow(int a, int b) {
        if (!follows.computeIfAbsent(a, k -> new HashSet<>()).add(b)) return false;
        interestedIn.clear();
        SimNode follower = live(a, 0);
        follower.publish(new Content.Follow(nodes.get(b).id(), true));
        // People follow someone whose invite (address and id) they were given.
        if (nodes.get(b).port() > 0) follower.learn(nodes.get(b));
        return true;
    }

    private void attach(Step.Attach a) {
        SimNode n = live(a.node(), a.line());
        String fileName = a.name() != null ? a.name() : "file-" + a.node() + "-" + a.line() + ".bin";
        Path file = options.workDir().resolve("upload-" + a.line() + "-" + fileName.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            byte[] buffer = new byte[1 << 20];
            try (var outStream = Files.newOutputStream(file)) {
                long left = a.bytes();
                while (left > 0) {
                    int k = (int) Math.min(buffer.length, left);
                    random.nextBytes(buffer);
                    outStream.write(buffer, 0, k);
                    left -= k;
                }
            }
            BlobStore.Held held = n.node().blobFiles().add(file);
            Files.delete(file);
            Content.Attachment att = new Content.Attachment(held.id(), held.size(), MediaTypes.byName(fileName), fileName);
            n.publish(new Content.Post("shared " + fileName, null, null, List.of(), List.of(att), ""),
                    e -> tracker.posted(e, a.node(), held.id()));
            say(name(a.node()) + " posts " + fileName + " (" + Report.human(a.bytes()) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach a file at line " + a.line(), e);
        }
    }

    private void restart(int i) {
        SimNode n = nodes.get(i);
        if (n.alive()) return;
        n.start();
        links.register(i, n.port());
        for (int[] e : topologyEdges) {
            int other = e[0] == i ? e[1] : e[1] == i ? e[0] : -1;
            if (other >= 0 && nodes.get(other).alive()) n.dial(nodes.get(other));
        }
    }

    private void fault() {
        lastFault = System.nanoTime();
    }

    private void await(Step.Await a) {
        String what = a.what().name().toLowerCase(Locale.ROOT);
        long from = System.nanoTime();
        BooleanSupplier condition = switch (a.what()) {
            case DELIVERED, CONVERGED -> this::allDelivered;
            case BLOBS -> this::allBlobsFetched;
            case CONNECTED -> this::allConnected;
        };
        long deadline = from + a.within().toNanos();
        boolean ok;
        while (!(ok = condition.getAsBoolean()) && System.nanoTime() < deadline) pause(Duration.ofMillis(POLL_MILLIS));
        long now = System.nanoTime();
        long took = TimeUnit.NANOSECONDS.toMillis(now - from);
        awaits.add(new Report.AwaitResult(a.line(), what, ok, took));
        if (ok && lastFault != 0 && a.what() != Step.Await.What.CONNECTED) {
            convergence.add(TimeUnit.NANOSECONDS.toMillis(now - lastFault));
            lastFault = 0;
        }
        say(String.format(Locale.ROOT, "await %s: %s after %.2f s", what, ok ? "ok" : "NOT MET within " + a.within().toSeconds() + " s", took / 1000.0));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---- who should have what ----

    /**
     * The nodes whose interest reaches {@code author}: following it within {@code hops} hops.
     * Kept until the next follow: awaits ask for it many times a second.
     */
    private Set<Integer> interested(int author) {
        return interestedIn.computeIfAbsent(author, this::followersWithinHops);
    }

    private Set<Integer> followersWithinHops(int author) {
        Set<Integer> out = new HashSet<>();
        for (int n = 0; n < nodes.size(); n++) {
            if (n != author && reaches(n, author)) out.add(n);
        }
        return out;
    }

    private boolean reaches(int from, int author) {
        Set<Integer> seen = new HashSet<>(List.of(from));
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        queue.add(new int[] {from, 0});
        while (!queue.isEmpty()) {
            int[] at = queue.poll();
            if (at[1] == hops) continue;
            for (int next : follows.getOrDefault(at[0], Set.of())) {
                if (next == author) return true;
                if (seen.add(next)) queue.add(new int[] {next, at[1] + 1});
            }
        }
        return false;
    }

    private boolean allDelivered() {
        for (Tracker.Post p : tracker.posts()) {
            for (int n : interested(p.author)) {
                SimNode node = nodes.get(n);
                if (!node.alive()) continue;
                if (!p.arrived.containsKey(n) && node.store().get(p.id).isEmpty()) return false;
            }
        }
        return true;
    }

    private boolean allBlobsFetched() {
        for (Tracker.Post p : tracker.posts()) {
            if (p.blob == null) continue;
            for (int n : interested(p.author)) {
                SimNode node = nodes.get(n);
                if (node.alive() && !node.node().blobFiles().isComplete(p.blob)) return false;
            }
        }
        return true;
    }

    private boolean allConnected() {
        for (SimNode n : nodes) {
            if (!n.alive()) continue;
            try {
                if (n.node().peers().get(5, TimeUnit.SECONDS).stream().noneMatch(Node.PeerInfo::connected)) return false;
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    // ---- output ----

    private Report report(String label) {
        List<Double> latencies = new ArrayList<>();
        List<Double> completes = new ArrayList<>();
        List<Report.PostLine> lines = new ArrayList<>();
        long expected = 0;
        long delivered = 0;
        long copies = 0;
        long echoes = 0;
        long reached = 0;
        int ldhMax = 0;
        double ldhSum = 0;
        List<Tracker.Post> posts = tracker.posts();
        for (Tracker.Post p : posts) {
            int want = 0;
            int got = 0;
            long last = 0;
            for (int n : interested(p.author)) {
                if (!nodes.get(n).alive()) continue;
                want++;
                Long at = p.arrived.get(n);
                if (at == null) {
                    // Held without the observer seeing it arrive (it came before the post was tracked).
                    if (nodes.get(n).store().get(p.id).isPresent()) got++;
                    continue;
                }
                got++;
                latencies.add((at - p.postedNanos) / 1e6);
                last = Math.max(last, at - p.postedNanos);
            }
            expected += want;
            delivered += got;
            int receivers = (int) p.arrived.keySet().stream().filter(n -> n != p.author).count();
            reached += receivers;
            copies += p.copies.get();
            echoes += p.echoes.get();
            int ldh = p.hops.entrySet().stream().filter(e -> e.getKey() != p.author).mapToInt(Map.Entry::getValue).max().orElse(0);
            ldhMax = Math.max(ldhMax, ldh);
            ldhSum += ldh;
            double complete = want == got && want > 0 ? last / 1e6 : (want == 0 ? 0 : -1);
            if (complete >= 0 && want > 0) completes.add(complete);
            lines.add(new Report.PostLine(p.id.toString().substring(0, 12), p.author, want, got, complete));
        }
        lines.sort(Comparator.comparingDouble((Report.PostLine l) -> l.completeMs() < 0 ? Double.MAX_VALUE : l.completeMs()).reversed());
        long bytes = 0;
        for (int i = 0; i < nodes.size(); i++) bytes += links.bytesSent(i);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        int alive = (int) nodes.stream().filter(SimNode::alive).count();
        return new Report(label == null ? "" : label, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), nodes.size(), alive,
                posts.size(), expected, delivered, expected == 0 ? 1.0 : (double) delivered / expected,
                reached == 0 ? 0 : (double) copies / reached - 1, echoes, ldhMax, posts.isEmpty() ? 0 : ldhSum / posts.size(),
                percentile(latencies, 50), percentile(latencies, 99), percentile(completes, 50), bytes,
                nodes.isEmpty() ? 0 : bytes / nodes.size(), delivered == 0 ? 0 : (double) bytes / delivered,
                rt.totalMemory() - rt.freeMemory(), List.copyOf(convergence), List.copyOf(awaits),
                lines.subList(0, Math.min(3, lines.size())), internalErrors.get());
    }

    private static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) return 0;
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private void feeds(List<Integer> which) {
        for (int i : which) {
            SimNode n = nodes.get(i);
            out.println("--- feed of " + name(i) + (n.alive() ? "" : " (offline)") + " ---");
            if (!n.alive()) continue;
            List<Entry> timeline = n.store().indexes().timeline(n.id(), 10, h -> h.contentType() == Content.POST);
            if (timeline.isEmpty()) out.println("  (nothing yet)");
            for (Entry e : timeline) out.println("  " + render(n, e));
        }
    }

    private String render(SimNode viewer, Entry e) {
        String who = nameOf(e.header().author());
        try {
            Content c = e.decodeContent();
            if (c instanceof Content.Post p) {
                StringBuilder b = new StringBuilder(who + ": " + p.text());
                for (Content.Attachment a : p.attachments()) {
                    boolean here = viewer.node().blobFiles().isComplete(a.blob());
                    b.append("  [").append(a.name()).append(", ").append(Report.human(a.size())).append(here ? ", here" : ", not here yet").append(']');
                }
                return b.toString();
            }
            return who + ": " + c.getClass().getSimpleName();
        } catch (Exception ex) {
            return who + ": (unreadable)";
        }
    }

    private String nameOf(AuthorId id) {
        for (SimNode n : nodes) if (n.id().equals(id)) return name(n.index);
        return id.toString().substring(0, 10);
    }

    private String name(int i) {
        String n = names.get(i);
        return n != null ? n : "node " + i;
    }

    private void say(String line) {
        out.printf(Locale.ROOT, "[%6.2f s] %s%n", (System.nanoTime() - started) / 1e9, line);
    }

    private List<Integer> resolve(NodeSet set) {
        return set.resolve(nodes.size(), random);
    }

    /** A set of nodes that act: {@code all} and {@code random K} mean among the nodes that are up. */
    private List<Integer> resolveUp(NodeSet set) {
        return set.resolveAmong(nodes.stream().filter(SimNode::alive).map(n -> n.index).toList(), random);
    }

    /** A set of nodes to restart: {@code all} means the nodes that are down. */
    private List<Integer> resolveDown(NodeSet set) {
        return set.resolveAmong(nodes.stream().filter(n -> !n.alive()).map(n -> n.index).toList(), random);
    }

    private SimNode live(int i, int line) {
        SimNode n = nodes.get(i);
        if (!n.alive()) throw new ScenarioFailure("line " + line + ": node " + i + " is not running");
        return n;
    }

    /** The event log of every node, for a report that failed. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** A step that cannot be carried out as written (acting as a node that is down). */
    public static final class ScenarioFailure extends RuntimeException {
        ScenarioFailure(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        for (SimNode n : nodes) {
            try {
                n.stop();
            } catch (RuntimeException e) {
                out.println("node " + n.index + " did not stop cleanly: " + e);
            }
        }
        if (group != null) group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

}
