package org.grapevine.testnet.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.DaemonExtension;
import org.grapevine.node.Node;
import org.grapevine.testnet.link.LinkEmulator;

/**
 * What a {@code grapevine daemon} started by a test network adds to its node: the links of the
 * {@link Plan} (latency, loss, partitions, shaped by a {@link LinkEmulator} of its own), the dials
 * the plan asks of it, and a {@link Trace} of what arrives, which watched blobs are complete, how
 * many peers are connected and how many bytes it sent.
 */
public final class DaemonHooks implements DaemonExtension {
    /** How often the plan file is looked at and the peers and bytes are reported. */
    static final long POLL_MILLIS = 50;
    /** Many daemons share a few cores: a handshake may wait its turn far longer than on a network. */
    static final long HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    private final int index;
    private final Path planFile;
    private final Trace.Writer trace;
    private final Consumer<String> events;
    private final LinkEmulator links = new LinkEmulator();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grapevine-testnet");
        t.setDaemon(true);
        return t;
    });
    private Node node;
    private Object planVersion;
    private Plan current;
    private int dialsDone;
    private final Set<BlobId> reported = new HashSet<>();
    private int peersReported = -1;
    private long sentReported = -1;

    private DaemonHooks(int index, Path planFile, Trace.Writer trace, Consumer<String> events) {
        this.index = index;
        this.planFile = planFile;
        this.trace = trace;
        this.events = events;
    }

    /**
     * Opens the trace of node {@code index} and reads the plan once, so links are shaped from the
     * first connection on.
     */
    public static DaemonHooks open(int index, Path planFile, Path traceFile, Consumer<String> events) throws IOException {
        DaemonHooks hooks = new DaemonHooks(index, planFile, new Trace.Writer(traceFile), events);
        hooks.readPlan();
        return hooks;
    }

    @Override
    public Node.Hooks hooks() {
        return new Node.Hooks(null, links.shaperFor(index),
                (from, entries) -> trace.received(from, entries.stream().map(Entry::id).toList()), HANDSHAKE_TIMEOUT_MILLIS);
    }

    /** The node is up and its control channel listens: tell the runner, and follow the plan from now on. */
    @Override
    public void started(Node started) {
        node = started;
        trace.started(started.listenAddress().getPort());
        dial();
        poller.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            readPlan();
            for (BlobId blob : current.watched) watch(blob);
            List<Node.PeerInfo> peers = node.peers().get(5, TimeUnit.SECONDS);
            int connected = (int) peers.stream().filter(Node.PeerInfo::connected).count();
            if (connected != peersReported) trace.peers(peersReported = connected);
            long sent = links.bytesSent(index);
            if (sent != sentReported) trace.sent(sentReported = sent);
        } catch (Exception e) {
            // Polling goes on: a daemon stopping, or a plan being replaced, is over by the next round.
            events.accept("test network: " + e.getMessage());
        }
    }

    /** Reads the plan again if it was replaced, and applies it. */
    private void readPlan() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(planFile, BasicFileAttributes.class);
        // The runner renames a new file over the old: a new inode (file key) means a new plan.
        Object version = Objects.requireNonNullElse(attributes.fileKey(), attributes.lastModifiedTime());
        if (version.equals(planVersion)) return;
        Plan plan;
        try {
            plan = Plan.parse(Files.readString(planFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(planFile + ": " + e.getMessage(), e);
        }
        planVersion = version;
        plan.applyTo(links);
        current = plan;
        if (node != null) dial();
    }

    private void watch(BlobId blob) {
        if (!reported.contains(blob) && node.blobFiles().isComplete(blob)) {
            reported.add(blob);
            trace.blobComplete(blob);
        }
    }

    /** Dials what the plan asks of this node and it has not dialed yet. */
    private void dial() {
        int mine = 0;
        for (Map.Entry<Integer, PeerAddress> d : current.dials) {
            if (d.getKey() != index) continue;
            if (mine++ < dialsDone) continue;
            node.addPeer(d.getValue(), PeerTable.Source.BOOTSTRAP);
            dialsDone = mine;
        }
    }

    @Override
    public void close() throws IOException {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        trace.close();
    }
}
