package org.grapevine.testnet.scenario;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and checked script: a network of {@code nodes} nodes and the steps to run on it, in
 * order. The set-up steps ({@code nodes}, {@code hops}, {@code seed}, {@code topology}) come
 * first; {@link #actions()} is what follows them, and the accessors give the set-up with its
 * defaults filled in.
 */
public record Scenario(String source, int nodes, List<Step> steps) {
    public Scenario {
        Objects.requireNonNull(source, "source");
        steps = List.copyOf(steps);
        if (nodes < 1 || nodes > Step.Nodes.MAX) throw new IllegalArgumentException("nodes must be 1.." + Step.Nodes.MAX);
    }

    /** Follow hops each node replicates ({@code hops}, default 2). */
    public int hops() {
        return first(Step.Hops.class).map(Step.Hops::hops).orElse(Step.Hops.DEFAULT);
    }

    /** The seed of every random choice ({@code seed}, default {@link Step.Seed#DEFAULT}). */
    public long seed() {
        return first(Step.Seed.class).map(Step.Seed::seed).orElse(Step.Seed.DEFAULT);
    }

    /** Who knows whom at the start ({@code topology}, default {@link Step.Topology#DEFAULT}, everyone knows everyone). */
    public Step.Topology topology() {
        return first(Step.Topology.class).orElse(Step.Topology.DEFAULT);
    }

    /** The steps after the set-up, in order. */
    public List<Step> actions() {
        return steps.stream().filter(s -> !isSetup(s)).toList();
    }

    /** The steps of one kind, in order: {@code scenario.stepsOf(Step.Attach.class)}. */
    public <T extends Step> List<T> stepsOf(Class<T> type) {
        return steps.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Whether the step configures the network before it starts rather than acting on it. */
    public static boolean isSetup(Step step) {
        return step instanceof Step.Nodes || step instanceof Step.Hops || step instanceof Step.Seed || step instanceof Step.Topology;
    }

    private <T extends Step> Optional<T> first(Class<T> type) {
        return stepsOf(type).stream().findFirst();
    }
}
