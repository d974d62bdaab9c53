package org.grapevine.testnet;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;
import org.grapevine.identity.AuthorId;
import org.grapevine.testnet.link.LinkEmulator;
import org.grapevine.testnet.process.DaemonLauncher;
import org.grapevine.testnet.scenario.NodeSet;
import org.grapevine.testnet.scenario.Scenario;
import org.grapevine.testnet.scenario.ScenarioException;
import org.grapevine.testnet.scenario.Step;

/**
 * Runs a {@link Scenario} on real nodes, each with its own home under the work directory: all in
 * this JVM ({@link InJvmNetwork}), or each a {@code grapevine daemon} process, on 127.0.0.1 or in
 * a network namespace of its own ({@link DaemonNetwork}). Prints what happens, step by step, and
 * returns the reports.
 */
public final class ScenarioRunner implements AutoCloseable {
    /** At most this many missing deliveries are explained when an await fails. */
    static final int MAX_EXPLAINED = 5;
    /** How often an await looks again. */
    private static final long POLL_MILLIS = 20;

    /**
     * Where nodes live, where the story goes, whether to also print every node's event log, where
     * the nodes run, (for daemon processes) how to start a daemon, and how to write an invite
     * folder for {@code channel bundle}.
     */
    public record Options(Path workDir, PrintWriter out, boolean verbose, Mode mode, DaemonLauncher launcher, InviteFolders folders) {
        public Options {
            if (mode != Mode.IN_JVM && launcher == null) throw new IllegalArgumentException(mode.flag() + " needs a daemon launcher");
            java.util.Objects.requireNonNull(folders, "folders");
        }

        /** Invite folders of the two files a guest reads. */
        public Options(Path workDir, PrintWriter out, boolean verbose, Mode mode, DaemonLauncher launcher) {
            this(workDir, out, verbose, mode, launcher, InviteFolders.CODE_AND_NAME);
        }

        /** All nodes in this JVM. */
        public Options(Path workDir, PrintWriter out, boolean verbose) {
            this(workDir, out, verbose, Mode.IN_JVM, null);
        }

        /** The same, with invite folders written by {@code folders}. */
        public Options withFolders(InviteFolders folders) {
            return new Options(workDir, out, verbose, mode, launcher, folders);
        }
    }

    /**
     * Every report the scenario asked for, the final one last, whether every await came true, how
     * much of its channels reached anyone outside them (held by non-members, or readable by
     * members removed before it was posted), and how much of its conversations reached a node
     * outside them (entries of their personas held, conversations listed that no message opened).
     */
    public record Result(List<String> texts, List<String> jsons, boolean awaitsOk, boolean allDelivered, double reliability,
                         int internalErrors, long channelLeaks, long dmLeaks) {
        public String lastJson() {
            return jsons.get(jsons.size() - 1);
        }

        public String lastText() {
            return texts.get(texts.size() - 1);
        }

        public boolean ok() {
            return awaitsOk && allDelivered && internalErrors == 0 && channelLeaks == 0 && dmLeaks == 0;
        }
    }

    private final Options options;
    private final PrintWriter out;
    private final Tracker tracker = new Tracker();
    private TestNetwork network;
    private List<TestNode> nodes = List.of();
    private final Map<Integer, String> names = new HashMap<>();
    /** The scenario's channels and their members. */
    private ChannelRun channels;
    /** The scenario's direct messages. */
    private DmRun dms;
    /** follower → followed, as the scenario made them. */
    private final Map<Integer, Set<Integer>> follows = new HashMap<>();
    /** author → nodes interested in it, from {@link #follows}; cleared when a follow is made. */
    private final Map<Integer, Set<Integer>> interestedIn = new HashMap<>();
    private final Set<int[]> topologyEdges = new LinkedHashSet<>();
    private final List<Report.AwaitResult> awaits = new ArrayList<>();
    private final List<Long> convergence = new ArrayList<>();
    /** Every node's event log, interleaved; added to by every node's thread at once, so without a lock. */
    private final Queue<String> events = new ConcurrentLinkedQueue<>();
    /** Exceptions nobody expected, logged by any node: a run with one is not a success. */
    private final AtomicInteger internalErrors = new AtomicInteger();
    private RandomGenerator random;
    private int hops;
    private long started;
    /** System.nanoTime of the last kill, restart, partition or heal not yet followed by an await; 0 if none. */
    private long lastFault;

    public ScenarioRunner(Options options) {
        this.options = options;
        this.out = options.out();
    }

    /**
     * Runs {@code scenario}.
     *
     * @throws ScenarioException if the scenario asks for what the chosen mode cannot do (nothing started)
     */
    public Result run(Scenario scenario) throws ScenarioException {
        List<ScenarioException.Problem> problems = options.mode().problems(scenario);
        if (!problems.isEmpty()) throw new ScenarioException(problems);
        started = System.nanoTime();
        random = new SplittableRandom(scenario.seed());
        hops = scenario.hops();
        List<String> texts = new ArrayList<>();
        List<String> jsons = new ArrayList<>();
        startNodes(scenario.nodes(), scenario.topology());
        Report last = null;
        // What of a channel reached anyone outside it, in the report that found the most: a member
        // who joined later may be given what it lacked, and then a later report no longer counts it.
        long leaks = 0;
        long dmLeaks = 0;
        List<Step> actions = scenario.actions();
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i) instanceof Step.ChannelRemove) {
                // Removals on consecutive lines happen at once, as admins acting at the same moment.
                List<Step.ChannelRemove> together = new ArrayList<>();
                for (; i < actions.size() && actions.get(i) instanceof Step.ChannelRemove r; i++) together.add(r);
                i--;
                remove(together);
                last = null;
                continue;
            }
            last = step(actions.get(i));
            if (last != null) {
                leaks = Math.max(leaks, last.channels().leaks());
                dmLeaks = Math.max(dmLeaks, last.dms().leaks());
                texts.add(last.text());
                jsons.add(last.json());
                out.print(last.text());
            }
        }
        if (last == null) {
            // The script did not end with a report of its own.
            last = report("end");
            leaks = Math.max(leaks, last.channels().leaks());
            dmLeaks = Math.max(dmLeaks, last.dms().leaks());
            texts.add(last.text());
            jsons.add(last.json());
            out.print(last.text());
        }
        out.flush();
        return new Result(texts, jsons, last.awaitsOk(), last.allDelivered(), last.reliability(), internalErrors.get(), leaks, dmLeaks);
    }

    // ---- set-up ----

    private void startNodes(int count, Step.Topology topology) {
        int degree = switch (topology.kind()) {
            case CHAIN, RING -> 2;
            case STAR -> 1;
            case FULL -> count - 1;
            case RANDOM -> topology.degree();
        };
        network = switch (options.mode()) {
            case IN_JVM -> new InJvmNetwork(options.workDir(), hops, degree, this::event);
            case PROCESSES -> new DaemonNetwork(options.workDir(), hops, options.launcher(), false, true, this::event);
            // On a LAN of namespaces everyone finds everyone over mDNS, which is the full topology;
            // any other topology is given as addresses, as in the other modes.
            case NETNS -> new DaemonNetwork(options.workDir(), hops, options.launcher(), true,
                    topology.kind() != Step.Topology.Kind.FULL, this::event);
        };
        nodes = network.start(count, tracker);
        channels = new ChannelRun(nodes, this::name);
        dms = new DmRun(nodes, tracker, this::name);
        for (int[] e : edges(topology, count)) {
            topologyEdges.add(e);
            if (network.introduces()) nodes.get(e[0]).dial(nodes.get(e[1]));
        }
        say(String.format(Locale.ROOT, "%d nodes up%s, topology %s", count, where(),
                topology.kind().name().toLowerCase(Locale.ROOT) + (topology.kind() == Step.Topology.Kind.RANDOM ? " " + topology.degree() : "")
                        + (network.introduces() ? "" : " (found over mDNS)")));
    }

    private String where() {
        return switch (options.mode()) {
            case IN_JVM -> "";
            case PROCESSES -> " (daemon processes on 127.0.0.1)";
            case NETNS -> " (daemon processes, each in a network namespace)";
        };
    }

    /** One line of node {@code index}'s event log. */
    private void event(int index, String line) {
        events.add(index + " " + line);
        if (line.startsWith("internal error") && internalErrors.getAndIncrement() < 3) {
            out.println("           node " + index + ": " + line);
        } else if (options.verbose()) {
            out.println("           node " + index + ": " + line);
        }
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
            network.setLinks(l.nodes() instanceof NodeSet.All ? null : new HashSet<>(resolve(l.nodes())), c);
            say("links " + l.nodes() + ": latency " + l.latency().toMillis() + " ms, jitter " + l.jitter().toMillis()
                    + " ms, loss " + String.format(Locale.ROOT, "%.1f%%", l.loss() * 100));
        } else if (step instanceof Step.Follow f) {
            Map<Integer, List<Integer>> made = new LinkedHashMap<>();
            for (int a : resolveUp(f.from())) {
                for (int b : resolve(f.to())) {
                    if (a != b) newFollow(made, a, b);
                }
            }
            follow(made);
            say(count(made) + " follows: " + f.from() + " -> " + f.to());
        } else if (step instanceof Step.FollowRandom f) {
            Map<Integer, List<Integer>> made = new LinkedHashMap<>();
            for (int a : resolveUp(f.from())) {
                for (int b : othersAtRandom(a, nodes.size(), f.count())) newFollow(made, a, b);
            }
            follow(made);
            say(count(made) + " follows: " + f.from() + " each follow " + f.count() + " at random");
        } else if (step instanceof Step.Post p) {
            List<Integer> who = p.who() instanceof NodeSet.Fixed ? resolve(p.who()) : resolveUp(p.who());
            List<Integer> up = who.stream().filter(a -> nodes.get(a).alive()).toList();
            if (who.size() == 1 && up.isEmpty()) throw new ScenarioFailure("line " + p.line() + ": node " + who.get(0) + " is not running");
            int down = who.size() - up.size();
            int made = up.size() * p.count();
            inParallel(up, a -> {
                for (int k = 0; k < p.count(); k++) {
                    String text = p.text() != null ? p.text() : "post " + (k + 1) + " of node " + a;
                    nodes.get(a).post(text, null, null, (id, blob, at) -> tracker.posted(id, a, blob, at));
                }
            });
            say(made == 1 && p.text() != null ? name(who.get(0)) + " posts \"" + p.text() + "\""
                    : made + " posts by " + p.who() + (down > 0 ? " (" + down + " of them down)" : ""));
        } else if (step instanceof Step.Attach a) {
            attach(a);
        } else if (step instanceof Step.ChannelCreate c) {
            live(c.node(), c.line()).channelCreate(c.name());
            channels.created(c.name(), c.node());
            say(name(c.node()) + " creates the channel " + c.name());
        } else if (step instanceof Step.ChannelInvite c) {
            String code = live(c.node(), c.line()).channelInvite(c.name());
            List<Integer> guests = resolve(c.to()).stream()
                    .filter(j -> j != c.node() && nodes.get(j).alive() && channels.mayJoin(c.name(), j)).toList();
            channels.joined(c.name(), guests);
            inParallel(guests, j -> nodes.get(j).channelJoin(code, c.name()));
            say(name(c.node()) + " invites " + guests.size() + " to " + c.name() + ", who join");
        } else if (step instanceof Step.ChannelPost c) {
            channelPost(c);
        } else if (step instanceof Step.ChannelAdmin c) {
            channels.admin(c, live(c.node(), c.line()));
            say(name(c.node()) + " makes " + name(c.member()) + " an admin of " + c.name());
        } else if (step instanceof Step.ChannelBundle c) {
            Path folder = options.workDir().resolve("invite-" + c.line());
            List<String> files = channels.bundle(c, live(c.node(), c.line()), live(c.guest(), c.line()), folder, options.folders());
            say(name(c.node()) + " writes an invite folder for " + name(c.guest()) + " (" + String.join(", ", files) + "); "
                    + name(c.guest()) + " joins " + c.name() + " from its " + InviteFolders.CODE + " and " + InviteFolders.NAME);
        } else if (step instanceof Step.Dm d) {
            live(d.from(), d.line());
            dms.send(d.from(), d.to(), d.text());
            say(name(d.from()) + " sends " + name(d.to()) + " a message" + (nodes.get(d.to()).alive() ? "" : " (down)"));
        } else if (step instanceof Step.DmRandom d) {
            List<int[]> pairs = dms.draw(d.count(), resolveUp(NodeSet.ALL), random);
            if (pairs == null) throw new ScenarioFailure("line " + d.line() + ": fewer than " + d.count() + " pairs have a node that is up");
            for (int[] p : pairs) dms.send(p[0], p[1], d.text());
            long down = pairs.stream().filter(p -> !nodes.get(p[1]).alive()).count();
            say(d.count() + " messages between random pairs" + (down > 0 ? ", " + down + " of them to nodes that are down" : ""));
        } else if (step instanceof Step.Await a) {
            await(a);
        } else if (step instanceof Step.Wait w) {
            say("waiting " + w.duration().toMillis() + " ms");
            pause(w.duration());
        } else if (step instanceof Step.Kill k) {
            List<Integer> which = resolveUp(k.nodes());
            for (int i : which) nodes.get(i).kill();
            fault();
            say("killed " + which.size() + " node" + (which.size() == 1 ? "" : "s") + ": " + k.nodes());
        } else if (step instanceof Step.Restart r) {
            List<Integer> which = r.nodes() instanceof NodeSet.Fixed ? resolve(r.nodes()) : resolveDown(r.nodes());
            restart(which);
            fault();
            say("restarted " + which.size() + " node" + (which.size() == 1 ? "" : "s") + ": " + r.nodes());
        } else if (step instanceof Step.Partition p) {
            List<Set<Integer>> sides = new ArrayList<>();
            for (NodeSet s : p.sides()) sides.add(new HashSet<>(resolve(s)));
            network.partition(sides);
            fault();
            say("partition " + p.sides());
        } else if (step instanceof Step.Heal h) {
            network.heal();
            // Nodes whose links were cut back off dialing; remind them of their topology.
            for (int[] e : topologyEdges) {
                if (network.introduces() && nodes.get(e[0]).alive() && nodes.get(e[1]).alive()) nodes.get(e[0]).dial(nodes.get(e[1]));
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
            live(n.node(), n.line()).declareName(n.name());
            say("node " + n.node() + " is " + n.name());
        } else {
            throw new IllegalStateException("line " + step.line() + ": a set-up step after the start: " + step);
        }
        return null;
    }

    /** Removals made at once: each by its own node, on a thread of its own. */
    private void remove(List<Step.ChannelRemove> together) {
        List<TestNode> by = together.stream().map(r -> live(r.node(), r.line())).toList();
        channels.remove(together, by);
        for (Step.ChannelRemove r : together) {
            say(name(r.node()) + " removes " + name(r.member()) + " from " + r.name() + ": a re-key, sealed to the others only"
                    + (together.size() > 1 ? " (" + together.size() + " removals at once)" : ""));
        }
    }

    /** Notes that {@code a} follows {@code b}, in {@code made} too unless it already did. */
    private void newFollow(Map<Integer, List<Integer>> made, int a, int b) {
        if (!follows.computeIfAbsent(a, k -> new HashSet<>()).add(b)) return;
        interestedIn.clear();
        made.computeIfAbsent(a, k -> new ArrayList<>()).add(b);
    }

    /** Each follower follows whom {@code made} lists for it. */
    private void follow(Map<Integer, List<Integer>> made) {
        inParallel(made.keySet(), a -> {
            for (int b : made.get(a)) {
                // People follow someone whose invite (address and id) they were given.
                live(a, 0).follow(nodes.get(b), network.introduces() && nodes.get(b).address() != null);
            }
        });
    }

    private static int count(Map<Integer, List<Integer>> made) {
        return made.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Runs {@code action} for each of the nodes {@code who}: at once for as many nodes as the
     * network takes ({@link TestNetwork#parallelism}), each node's own actions in order.
     */
    private void inParallel(Collection<Integer> who, IntConsumer action) {
        int threads = Math.min(network.parallelism(), who.size());
        if (threads <= 1) {
            who.forEach(action::accept);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int a : who) done.add(pool.submit(() -> action.accept(a)));
            for (Future<?> f : done) f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScenarioFailure("interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** The made-up file of {@code bytes} bytes a step attaches, in a directory of its own so it keeps its name. */
    private Path madeUpFile(int line, String fileName, long bytes) throws IOException {
        Path file = options.workDir().resolve("upload-" + line).resolve(fileName.replaceAll("[^A-Za-z0-9._-]", "_"));
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[1 << 20];
        try (var outStream = Files.newOutputStream(file)) {
            long left = bytes;
            while (left > 0) {
                int k = (int) Math.min(buffer.length, left);
                random.nextBytes(buffer);
                outStream.write(buffer, 0, k);
                left -= k;
            }
        }
        return file;
    }

    private void channelPost(Step.ChannelPost c) {
        TestNode n = live(c.node(), c.line());
        if (!channels.isMember(c.name(), c.node())) throw new ScenarioFailure("line " + c.line() + ": node " + c.node() + " is not a member of " + c.name());
        Set<Integer> members = channels.members(c.name());
        try {
            if (c.bytes() < 0) {
                String text = c.text() != null ? c.text() : "a post of node " + c.node() + " in " + c.name();
                n.channelPost(c.name(), text, null, (id, blob, at) -> tracker.posted(id, c.node(), blob, at, c.name(), members));
                say(name(c.node()) + " posts into " + c.name());
                return;
            }
            String fileName = c.file() != null ? c.file() : "photo-" + c.node() + "-" + c.line() + ".jpg";
            Path file = madeUpFile(c.line(), fileName, c.bytes());
            n.channelPost(c.name(), "shared " + fileName, file, (id, blob, at) -> tracker.posted(id, c.node(), blob, at, c.name(), members));
            Files.delete(file);
            say(name(c.node()) + " posts " + fileName + " (" + Report.human(c.bytes()) + ") into " + c.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach a file at line " + c.line(), e);
        }
    }

    private void attach(Step.Attach a) {
        TestNode n = live(a.node(), a.line());
        String fileName = a.name() != null ? a.name() : "file-" + a.node() + "-" + a.line() + ".bin";
        // A directory of its own, so the file goes under the name the scenario gave it.
        Path file = options.workDir().resolve("upload-" + a.line()).resolve(fileName.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(file.getParent());
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
            n.post("shared " + fileName, file, fileName, (id, blob, at) -> tracker.posted(id, a.node(), blob, at));
            Files.delete(file);
            say(name(a.node()) + " posts " + fileName + " (" + Report.human(a.bytes()) + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach a file at line " + a.line(), e);
        }
    }

    /** Starts the nodes again, all at once, and has them dial their topology. */
    private void restart(List<Integer> which) {
        List<TestNode> down = which.stream().map(nodes::get).filter(n -> !n.alive()).toList();
        down.forEach(TestNode::launch);
        down.forEach(TestNode::awaitStarted);
        if (!network.introduces()) return;
        for (TestNode n : down) {
            for (int[] e : topologyEdges) {
                int other = e[0] == n.index() ? e[1] : e[1] == n.index() ? e[0] : -1;
                if (other >= 0 && nodes.get(other).alive()) n.dial(nodes.get(other));
            }
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
            // Every poll asks after the re-keys, so that each is timed when it first holds.
            case CHANNEL -> () -> channels.rekeysSettled() & allDelivered(true) && allBlobsFetched(true);
            case DMS -> () -> {
                network.refresh();
                return dms.allHeld();
            };
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
        if (!ok && (a.what() == Step.Await.What.DELIVERED || a.what() == Step.Await.What.CONVERGED)) explainMissing();
        if (!ok && a.what() == Step.Await.What.CHANNEL) channels.unsettled().forEach(this::say);
        if (!ok && a.what() == Step.Await.What.DMS) dms.unread().forEach(this::say);
    }

    /** Says, for the first few posts some live interested node still lacks, how that node sees the author's feed (once per node and author). */
    private void explainMissing() {
        int told = 0;
        Set<List<Integer>> explained = new HashSet<>(); // Each node's view of each feed once.
        for (Tracker.Post p : tracker.posts()) {
            for (int n : audience(p)) {
                TestNode node = nodes.get(n);
                if (!node.alive() || p.arrived.containsKey(n) || node.holdsUnseen(p.id) || !explained.add(List.of(n, p.author))) continue;
                if (told++ == MAX_EXPLAINED) {
                    say("(more posts are missing)");
                    return;
                }
                String why = node.explain(nodes.get(p.author).id(), this::nameOf);
                say(name(n) + " lacks " + name(p.author) + "'s post " + p.id.toString().substring(0, 12)
                        + (why == null ? "" : "; its view of " + name(p.author) + "'s feed: " + why));
            }
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ---- who should have what ----

    /** The nodes a post is for: its channel's members then who still are, or those whose interest reaches its author. */
    private Set<Integer> audience(Tracker.Post p) {
        return p.channel == null ? interested(p.author) : channels.audience(p);
    }

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
        return allDelivered(false);
    }

    /** Every post (or, with {@code channelsOnly}, every channel post) is at every live node it is for. */
    private boolean allDelivered(boolean channelsOnly) {
        network.refresh();
        for (Tracker.Post p : tracker.posts()) {
            if (channelsOnly && p.channel == null) continue;
            for (int n : audience(p)) {
                TestNode node = nodes.get(n);
                if (!node.alive()) continue;
                if (!p.arrived.containsKey(n) && !node.holdsUnseen(p.id)) return false;
            }
        }
        return true;
    }

    private boolean allBlobsFetched() {
        return allBlobsFetched(false);
    }

    private boolean allBlobsFetched(boolean channelsOnly) {
        network.refresh();
        for (Tracker.Post p : tracker.posts()) {
            if (p.blob == null || (channelsOnly && p.channel == null)) continue;
            for (int n : audience(p)) {
                TestNode node = nodes.get(n);
                if (node.alive() && !node.hasBlob(p.blob)) return false;
            }
        }
        return true;
    }

    private boolean allConnected() {
        network.refresh();
        for (TestNode n : nodes) {
            if (n.alive() && !n.connected()) return false;
        }
        return true;
    }

    // ---- output ----

    private Report report(String label) {
        network.refresh();
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
            for (int n : audience(p)) {
                if (!nodes.get(n).alive()) continue;
                want++;
                Long at = p.arrived.get(n);
                if (at == null) {
                    // Held without the observer seeing it arrive (it came before the post was tracked).
                    if (nodes.get(n).holdsUnseen(p.id)) got++;
                    continue;
                }
                got++;
                // A daemon's post is timed when its command returns: a peer may have it a moment sooner.
                long took = Math.max(0, at - p.postedNanos);
                latencies.add(took / 1e6);
                last = Math.max(last, took);
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
        ChannelRun.Told told = channels.report(posts);
        told.lines().forEach(this::say);
        DmRun.Told messages = dms.report();
        messages.lines().forEach(this::say);
        long bytes = 0;
        for (int i = 0; i < nodes.size(); i++) bytes += network.bytesSent(i);
        int alive = (int) nodes.stream().filter(TestNode::alive).count();
        return new Report(label == null ? "" : label, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), nodes.size(), alive,
                posts.size(), expected, delivered, expected == 0 ? 1.0 : (double) delivered / expected,
                reached == 0 ? 0 : (double) copies / reached - 1, echoes, ldhMax, posts.isEmpty() ? 0 : ldhSum / posts.size(),
                percentile(latencies, 50), percentile(latencies, 99), percentile(completes, 50), bytes,
                nodes.isEmpty() ? 0 : bytes / nodes.size(), delivered == 0 ? 0 : (double) bytes / delivered,
                network.memoryUsed(), List.copyOf(convergence), List.copyOf(awaits),
                lines.subList(0, Math.min(3, lines.size())), internalErrors.get(), told.tally(), messages.tally());
    }

    static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) return 0;
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private void feeds(List<Integer> which) {
        for (int i : which) {
            TestNode n = nodes.get(i);
            out.println("--- feed of " + name(i) + (n.alive() ? "" : " (offline)") + " ---");
            if (!n.alive()) continue;
            List<String> feed = n.feed(10, this::nameOf);
            if (feed.isEmpty()) out.println("  (nothing yet)");
            for (String line : feed) out.println("  " + line);
        }
    }

    private String nameOf(AuthorId id) {
        for (TestNode n : nodes) if (n.id().equals(id)) return name(n.index());
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
        return set.resolveAmong(nodes.stream().filter(TestNode::alive).map(TestNode::index).toList(), random);
    }

    /** A set of nodes to restart: {@code all} means the nodes that are down. */
    private List<Integer> resolveDown(NodeSet set) {
        return set.resolveAmong(nodes.stream().filter(n -> !n.alive()).map(TestNode::index).toList(), random);
    }

    private TestNode live(int i, int line) {
        TestNode n = nodes.get(i);
        if (!n.alive()) throw new ScenarioFailure("line " + line + ": node " + i + " is not running");
        return n;
    }

    /** Node {@code index} of the run, for a test to ask it what it holds before the runner closes. */
    TestNode node(int index) {
        return nodes.get(index);
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

    /** Stops every node (and removes what the network set up) however the run ended. */
    @Override
    public void close() {
        if (network != null) network.close();
    }
}
