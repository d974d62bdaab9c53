package org.grapevine.testnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Keystore;
import org.grapevine.identity.KeystoreException;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.testnet.link.LinkEmulator;
import org.grapevine.testnet.process.DaemonLauncher;
import org.grapevine.testnet.process.TestnetDaemons;
import org.grapevine.testnet.process.NetnsLan;
import org.grapevine.testnet.process.Plan;
import org.grapevine.testnet.process.Trace;

/**
 * Nodes as {@code grapevine daemon} processes: on 127.0.0.1, each on a port of its own, or each in
 * a Linux network namespace of its own on a bridged LAN, where they find each other over mDNS.
 * The runner tells them about links, partitions and dials through a {@link Plan} file and learns
 * what they received from their {@link Trace}s.
 */
final class DaemonNetwork implements TestNetwork {
    private final Path workDir;
    private final int hops;
    private final DaemonLauncher launcher;
    private final boolean netns;
    private final boolean introduces;
    private final BiConsumer<Integer, String> events;
    private final String networkName = "testnet-" + UUID.randomUUID();
    private final Plan plan = new Plan();
    private final Path planFile;
    private final List<DaemonNode> nodes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::killAll, "testnet-cleanup");
    private Tracker tracker;
    private NetnsLan lan;

    /**
     * @param netns whether each node runs in a network namespace of its own (else all on 127.0.0.1)
     * @param introduces whether nodes are given each other's addresses (else they find each other over mDNS)
     * @param events hears every line of every node's event log, with the node's index
     */
    DaemonNetwork(Path workDir, int hops, DaemonLauncher launcher, boolean netns, boolean introduces, BiConsumer<Integer, String> events) {
        this.workDir = workDir;
        this.hops = hops;
        this.launcher = launcher;
        this.netns = netns;
        this.introduces = introduces;
        this.events = events;
        this.planFile = workDir.resolve("plan.txt");
    }

    @Override
    public List<TestNode> start(int count, Tracker tracker) {
        this.tracker = tracker;
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            if (netns) lan = NetnsLan.create(count);
            for (int i = 0; i < count; i++) {
                Home home = new Home(workDir.resolve("node-" + i));
                Identity identity = Identity.generate(new SecureRandom());
                home.create();
                Keystore.create(home.keystore(), identity, null, Keystore.KdfParams.DEFAULT);
                home.writePublicId(identity.id());
                tracker.node(identity.id(), i);
                int index = i;
                // In a namespace of its own every node can take the usual port; on 127.0.0.1 each takes a free one.
                String host = netns ? lan.host(i).address() : "127.0.0.1";
                int port = netns ? Node.Config.DEFAULT_PORT : 0;
                nodes.add(new DaemonNode(i, home, identity, this, host, port, workDir.resolve("trace-" + i + ".txt"),
                        line -> events.accept(index, line)));
                if (netns) plan.node(i, new PeerAddress(host, port, null));
            }
            writePlan();
        } catch (NetnsLan.Unavailable e) {
            throw new ScenarioRunner.ScenarioFailure("--netns: this machine does not let us create network namespaces: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (KeystoreException e) {
            throw new IllegalStateException("cannot create a keystore", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScenarioRunner.ScenarioFailure("interrupted");
        }
        nodes.forEach(DaemonNode::launch);
        nodes.forEach(DaemonNode::awaitStarted);
        if (!netns) {
            for (DaemonNode n : nodes) {
                InetSocketAddress a = n.address();
                plan.node(n.index(), new PeerAddress(a.getHostString(), a.getPort(), null));
            }
            writePlan();
        }
        return List.copyOf(nodes);
    }

    /** The command that starts node {@code index}'s daemon with {@code args}. */
    List<String> command(int index, List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--network", networkName, "--hops", String.valueOf(hops),
                // Every attachment is fetched, as in one JVM: `await blobs` waits for them all.
                "--blob-auto-max", "2GiB"));
        if (!netns) all.add("--no-mdns");
        List<String> command = launcher.daemon(all);
        return netns ? lan.host(index).exec(command) : command;
    }

    /** The environment that joins node {@code index}'s daemon to this network (see {@link TestnetDaemons}). */
    Map<String, String> environment(int index) {
        return TestnetDaemons.environment(index, planFile, workDir.resolve("trace-" + index + ".txt"));
    }

    String networkName() {
        return networkName;
    }

    void dial(int from, TestNode to) {
        InetSocketAddress a = to.address();
        plan.dial(from, new PeerAddress(a.getHostString(), a.getPort(), to.id()));
        writePlan();
    }

    void watch(BlobId blob) {
        plan.watch(blob);
        writePlan();
    }

    private void writePlan() {
        try {
            plan.write(planFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test network's plan", e);
        }
    }

    @Override
    public boolean introduces() {
        return introduces;
    }

    /** A daemon takes a few hundred milliseconds a command: many at once keep a step short. */
    @Override
    public int parallelism() {
        return 8;
    }

    @Override
    public void setLinks(Set<Integer> which, LinkEmulator.Conditions conditions) {
        if (which == null) plan.setAll(conditions);
        else plan.set(which, conditions);
        writePlan();
    }

    @Override
    public void partition(List<Set<Integer>> sides) {
        plan.partition(sides);
        writePlan();
    }

    @Override
    public void heal() {
        plan.heal();
        writePlan();
    }

    /** Reads every trace, and hands the arrivals to the tracker in the order they happened. */
    @Override
    public void refresh() {
        List<Arrival> arrivals = new ArrayList<>();
        for (DaemonNode n : nodes) {
            n.poll();
            for (Trace.Received r : n.drainArrivals()) arrivals.add(new Arrival(n.index(), r));
        }
        arrivals.sort(Comparator.comparingLong(a -> a.batch.nanos()));
        for (Arrival a : arrivals) tracker.received(a.node, a.batch.from(), a.batch.entries(), a.batch.nanos());
    }

    private record Arrival(int node, Trace.Received batch) {}

    @Override
    public long bytesSent(int node) {
        return nodes.get(node).bytesSent();
    }

    /** The resident memory of the daemons running now, from /proc. */
    @Override
    public long memoryUsed() {
        long sum = 0;
        for (DaemonNode n : nodes) {
            Process p = n.process().orElse(null);
            if (p != null) sum += residentBytes(p.pid());
        }
        return sum;
    }

    private static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                // "VmRSS:	  123456 kB"
                if (!line.startsWith("VmRSS:")) continue;
                String[] f = line.substring(6).trim().split("\\s+");
                if (f.length == 2 && f[1].equals("kB") && f[0].matches("\\d{1,12}")) return Long.parseLong(f[0]) * 1024;
            }
        } catch (IOException | RuntimeException gone) {
            // Exited meanwhile, or no /proc here: it counts for nothing.
        }
        return 0;
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs now.
        }
    }

    /** SIGTERM to every daemon, SIGKILL to those still running after a few seconds, then the namespaces go. */
    private synchronized void killAll() {
        nodes.forEach(DaemonNode::stop);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (DaemonNode n : nodes) {
            Process p = n.process().orElse(null);
            if (p == null) continue;
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (lan != null) lan.close();
    }
}
