package org.grapevine.testnet.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.grapevine.node.DaemonExtension;

/**
 * Joins a daemon to the test network that started it: the network puts the node's index, its plan
 * file and its trace file in the daemon's environment ({@link #environment}); a daemon without
 * them is left alone.
 */
public final class TestnetDaemons implements DaemonExtension.Provider {
    static final String NODE = "GRAPEVINE_TESTNET_NODE";
    static final String PLAN = "GRAPEVINE_TESTNET_PLAN";
    static final String TRACE = "GRAPEVINE_TESTNET_TRACE";

    /** The environment that makes the daemon of node {@code index} join the network. */
    public static Map<String, String> environment(int index, Path plan, Path trace) {
        return Map.of(NODE, String.valueOf(index), PLAN, plan.toString(), TRACE, trace.toString());
    }

    /** @throws IllegalArgumentException when only some of the variables are set, or the node is not a number */
    @Override
    public Optional<DaemonExtension> open(Map<String, String> env, Consumer<String> events) throws IOException {
        String node = env.get(NODE);
        String plan = env.get(PLAN);
        String trace = env.get(TRACE);
        if (node == null && plan == null && trace == null) return Optional.empty();
        int index;
        try {
            index = Integer.parseInt(node == null ? "" : node);
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (index < 0 || plan == null || trace == null) {
            throw new IllegalArgumentException(NODE + " (a node number), " + PLAN + " and " + TRACE + " go together");
        }
        return Optional.of(DaemonHooks.open(index, Path.of(plan), Path.of(trace), events));
    }
}
