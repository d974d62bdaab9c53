package org.grapevine.testnet;

import java.util.List;
import java.util.Set;
import org.grapevine.testnet.link.LinkEmulator;

/**
 * Where a scenario's nodes run and how their links are shaped: in this JVM ({@link InJvmNetwork})
 * or as daemon processes ({@link DaemonNetwork}). The {@link ScenarioRunner} drives either alike.
 */
interface TestNetwork extends AutoCloseable {
    /** Creates {@code count} nodes and starts them, not yet connected; each is told to the tracker. */
    List<TestNode> start(int count, Tracker tracker);

    /**
     * Whether nodes learn each other's addresses from the scenario (the topology, follows as
     * invites); false where they find each other on their own, over mDNS.
     */
    boolean introduces();

    /** How many nodes may be told to act (post, follow) at once. */
    int parallelism();

    /** Sets the conditions of every link touching one of {@code nodes}, or of all links when it is null. */
    void setLinks(Set<Integer> nodes, LinkEmulator.Conditions conditions);

    void partition(List<Set<Integer>> sides);

    void heal();

    /** Brings what the runner knows of the nodes up to date (deliveries, connections, blobs). */
    void refresh();

    /** Bytes node {@code node} has written to its sockets in the whole run. */
    long bytesSent(int node);

    /** Memory the nodes use now: the heap after a collection in one JVM, resident memory as processes. */
    long memoryUsed();

    @Override
    void close();
}
