package org.grapevine.testnet.scenario;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Which nodes a step is about, as a script writes it: {@code all}, fixed numbers and ranges
 * ({@code 1,3,5..7}), or {@code random K}, drawn only when the runner resolves the set.
 * Nodes are numbered from 0. {@link #toString()} gives the text form back.
 */
public sealed interface NodeSet permits NodeSet.All, NodeSet.Fixed, NodeSet.Random {
    NodeSet ALL = new All();

    static NodeSet of(int node) {
        return new Fixed(List.of(new Range(node, node)));
    }

    static NodeSet range(int first, int last) {
        return new Fixed(List.of(new Range(first, last)));
    }

    static NodeSet random(int count) {
        return new Random(count);
    }

    /**
     * Parses the text form ({@code all}, {@code 4}, {@code 1,3,5..7}, {@code random 3}).
     *
     * @throws IllegalArgumentException with a message for the script's author
     */
    static NodeSet parse(String text) {
        return LineParser.parseNodeSet(text);
    }

    /** Whether {@link #resolve} draws nodes at random. */
    default boolean isRandom() {
        return this instanceof Random;
    }

    /**
     * The node indexes this set stands for in a network of {@code nodes}, sorted and distinct.
     * Only a random set uses {@code random} (it may be null for the others); the same generator
     * state gives the same draw.
     *
     * @throws IllegalArgumentException if a fixed node is {@code >= nodes} or a random set asks
     *     for more nodes than there are
     */
    default List<Integer> resolve(int nodes, RandomGenerator random) {
        if (nodes < 0) throw new IllegalArgumentException("negative node count " + nodes);
        return resolveAmong(IntStream.range(0, nodes).boxed().collect(Collectors.toList()), random, nodes);
    }

    /**
     * This set restricted to {@code candidates} (say, the nodes that are up): {@code all} gives
     * every candidate, a fixed set the members that are candidates, {@code random K} draws K
     * of the candidates. Sorted and distinct.
     *
     * @throws IllegalArgumentException if a random set asks for more nodes than there are candidates
     */
    default List<Integer> resolveAmong(Collection<Integer> candidates, RandomGenerator random) {
        return resolveAmong(candidates, random, Integer.MAX_VALUE);
    }

    private List<Integer> resolveAmong(Collection<Integer> candidates, RandomGenerator random, int nodes) {
        int[] pool = new TreeSet<>(candidates).stream().mapToInt(Integer::intValue).toArray();
        if (this instanceof All) {
            return Arrays.stream(pool).boxed().toList();
        }
        if (this instanceof Fixed fixed) {
            int last = fixed.highest();
            if (last >= nodes) {
                throw new IllegalArgumentException("node " + last + " is out of range (the network has " + nodes + " nodes)");
            }
            return fixed.members().stream().filter(n -> Arrays.binarySearch(pool, n) >= 0).toList();
        }
        int count = ((Random) this).count();
        if (count > pool.length) {
            throw new IllegalArgumentException("random " + count + " needs " + count + " nodes to draw from, there are " + pool.length);
        }
        Objects.requireNonNull(random, "random");
        // A partial Fisher-Yates shuffle: the first count slots end up a uniform draw.
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return Arrays.stream(pool, 0, count).sorted().boxed().toList();
    }

    /** Every node there is (or, where a step acts, every node that is up). */
    record All() implements NodeSet {
        @Override
        public String toString() {
            return "all";
        }
    }

    /** An inclusive range of node indexes; a single node is a range of one. */
    record Range(int first, int last) {
        public Range {
            if (first < 0) throw new IllegalArgumentException("negative node " + first);
            if (last < first) throw new IllegalArgumentException("range " + first + ".." + last + " runs backwards");
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + ".." + last;
        }
    }

    /** Numbers and ranges as listed, in the order written (they may overlap). */
    record Fixed(List<Range> ranges) implements NodeSet {
        public Fixed {
            ranges = List.copyOf(ranges);
            if (ranges.isEmpty()) throw new IllegalArgumentException("an empty node list");
        }

        /** The nodes listed, sorted and distinct. */
        public List<Integer> members() {
            TreeSet<Integer> members = new TreeSet<>();
            for (Range r : ranges) {
                for (int n = r.first(); n <= r.last(); n++) members.add(n);
            }
            return List.copyOf(members);
        }

        /** The highest node listed. */
        public int highest() {
            return ranges.stream().mapToInt(Range::last).max().orElseThrow();
        }

        @Override
        public String toString() {
            return ranges.stream().map(Range::toString).collect(Collectors.joining(","));
        }
    }

    /** {@code count} distinct nodes, drawn when the runner resolves the set. */
    record Random(int count) implements NodeSet {
        public Random {
            if (count < 1) throw new IllegalArgumentException("random needs a count of at least 1");
        }

        @Override
        public String toString() {
            return "random " + count;
        }
    }
}
