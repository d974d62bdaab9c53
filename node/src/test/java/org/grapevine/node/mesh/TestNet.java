package org.grapevine.node.mesh;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.Identity;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.protocol.Protocol;

/**
 * A small network of real nodes for a test that reads like a story:
 * {@code bob.follow(alice); bob.connect(alice); alice.post("hi"); net.await(bob).sees(alice, "hi");}.
 * Each node gets its own home under the test's temporary directory, a fresh identity and an
 * ephemeral port on 127.0.0.1; {@link #close} stops them in reverse order of creation.
 */
final class TestNet implements AutoCloseable {
    /** How long any one expectation may take before the test fails. */
    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** Keeps these nodes off the real network, whatever else runs on the machine. */
    static final NetworkKey NETWORK = NetworkKey.named("mesh-it");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final List<TestNode> nodes = new ArrayList<>();
    private final StderrWatch stderr = new StderrWatch();

    TestNet(Path root) {
        this.root = root;
    }

    /**
     * The settings every test node starts from: 127.0.0.1 on a free port, the test network, a tick
     * every 100 ms and a source switch after 300 ms, so that timeouts play out within a test.
     */
    static Node.Config defaults() {
        Node.Config d = Node.Config.defaults()
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withNetwork(NETWORK);
        return new Node.Config(d.listen(), d.bootstrap(), d.network(), d.hops(), d.targetConnections(), 300, 100, d.lan(), d.blobs());
    }

    /** A config that dials no more than {@code n} connections (so peer exchange adds no shortcuts). */
    static UnaryOperator<Node.Config> targetConnections(int n) {
        return c -> new Node.Config(c.listen(), c.bootstrap(), c.network(), c.hops(), n, c.sourceSwitchMillis(), c.tickMillis(), c.lan(), c.blobs());
    }

    TestNode node(String name) {
        return node(name, UnaryOperator.identity());
    }

    TestNode node(String name, UnaryOperator<Node.Config> settings) {
        return start(name, Identity.generate(RANDOM), settings.apply(defaults()), List.of());
    }

    /** A node of the given identity that speaks {@code extensions} besides its own protocols. */
    TestNode node(String name, Identity identity, List<Protocol> extensions) {
        return start(name, identity, defaults(), extensions);
    }

    private TestNode start(String name, Identity identity, Node.Config config, List<Protocol> extensions) {
        TestNode n = TestNode.start(name, new Home(root.resolve(name)), identity, config, extensions);
        nodes.add(n);
        return n;
    }

    List<TestNode> nodes() {
        return List.copyOf(nodes);
    }

    /** Expectations about {@code node} that may take a while to come true. */
    Expect await(TestNode node) {
        return new Expect(node);
    }

    /**
     * Fails if any node logged an internal error (an exception nobody expected), or anything wrote
     * a warning, an error or an exception to stderr.
     */
    void assertNoInternalErrors() {
        for (TestNode n : nodes) {
            for (String line : n.events()) {
                if (line.contains("internal error")) throw new AssertionError(n + " logged: " + line + "\n" + eventLog());
            }
        }
        assertQuietStderr();
    }

    private void assertQuietStderr() {
        List<String> alarms = stderr.alarms();
        if (!alarms.isEmpty()) throw new AssertionError("stderr:\n  " + String.join("\n  ", alarms) + "\n" + eventLog());
    }

    /** Every node's event log, for failure messages. */
    String eventLog() {
        StringBuilder b = new StringBuilder();
        for (TestNode n : nodes) {
            b.append("---- ").append(n).append(" (").append(n.id()).append(")\n");
            for (String line : n.events()) b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    /** Waits, up to {@link #PATIENCE}, for {@code condition}; fails with {@code what} and every event log. */
    void waitFor(String what, BooleanSupplier condition) {
        waitFor(what, PATIENCE, condition);
    }

    void waitFor(String what, Duration atMost, BooleanSupplier condition) {
        try {
            Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + atMost.toSeconds() + " s: " + what + "\n" + eventLog(), e);
        }
    }

    /** What a test waits for one node to do. */
    final class Expect {
        private final TestNode node;

        private Expect(TestNode node) {
            this.node = node;
        }

        Expect sees(TestNode author, long entries) {
            waitFor(node + " holds " + entries + " entries of " + author, () -> node.sees(author, entries));
            return this;
        }

        Expect sees(TestNode author, String text) {
            waitFor(node + " holds " + author + "'s post '" + text + "'", () -> node.sees(author, text));
            return this;
        }

        Expect showsInTimeline(String text) {
            waitFor(node + "'s timeline shows '" + text + "'", () -> node.timelineShows(text));
            return this;
        }

        Expect isConnectedTo(TestNode other) {
            waitFor(node + " is connected to " + other, () -> node.connectedTo(other));
            return this;
        }

        Expect logs(String fragment) {
            waitFor(node + " logs '" + fragment + "'", () -> node.logged(fragment));
            return this;
        }
    }

    /** Stops every node, newest first; then fails if stopping them wrote alarms to stderr. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).stop();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        stderr.close();
        if (failure != null) throw failure;
        assertQuietStderr();
        nodes.clear();
    }
}
