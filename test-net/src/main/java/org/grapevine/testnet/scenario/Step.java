package org.grapevine.testnet.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.grapevine.identity.content.Content;

/**
 * One line of a scenario, as parsed and checked by {@link ScenarioParser}; SCENARIOS.md is the
 * language reference. {@link #line()} is the 1-based source line (0 for a step made in code).
 *
 * <p>Where a step acts through nodes ({@link Follow#from()}, {@link Post#who()}, ...), {@code all}
 * means every node that is up at that moment and {@code random K} draws among those; the
 * parser has already rejected fixed nodes that are certainly down there.
 */
public sealed interface Step {
    int line();

    /** The step written back in the scenario language, normalised (e.g. {@code link 0..4 latency 80ms}). */
    default String syntax() {
        return StepText.format(this);
    }

    /** {@code nodes N}: the network has N nodes, numbered 0 to N-1. Always the first step. */
    record Nodes(int line, int count) implements Step {
        public static final int MAX = 1000;

        public Nodes {
            checkLine(line);
            if (count < 1 || count > MAX) throw new IllegalArgumentException("nodes must be 1.." + MAX);
        }
    }

    /** {@code hops H}: each node replicates authors up to H follow hops away (default 2). */
    record Hops(int line, int hops) implements Step {
        public static final int DEFAULT = 2;
        public static final int MAX = 4;

        public Hops {
            checkLine(line);
            if (hops < 1 || hops > MAX) throw new IllegalArgumentException("hops must be 1.." + MAX);
        }
    }

    /** {@code seed S}: seeds every random choice of the run (random node sets, generated content). */
    record Seed(int line, long seed) implements Step {
        public static final long DEFAULT = 1;

        public Seed {
            checkLine(line);
        }
    }

    /** {@code topology KIND}: who knows whose address when the network starts (default {@code full}). */
    record Topology(int line, Kind kind, int degree) implements Step {
        public static final Topology DEFAULT = new Topology(0, Kind.FULL, 0);

        public enum Kind {
            /** Node i knows i-1 and i+1. */
            CHAIN,
            /** A chain whose ends know each other. */
            RING,
            /** Node 0 knows everyone and everyone knows node 0. */
            STAR,
            /** Everyone knows everyone. */
            FULL,
            /** Each node knows {@code degree} others picked at random (and is known back). */
            RANDOM
        }

        public Topology {
            checkLine(line);
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.RANDOM ? degree < 1 : degree != 0) {
                throw new IllegalArgumentException("degree " + degree + " does not fit topology " + kind);
            }
        }
    }

    /**
     * {@code link [NODES] latency D jitter D loss P%}: the condition of every link touching
     * {@code nodes}, replacing what an earlier link step set for those links; a setting left
     * out is zero. Bytes are delayed each way by the latency plus part of the jitter, and with
     * probability {@code loss} (0.0 to 1.0) by a retransmission timeout more (see LinkEmulator).
     */
    record Link(int line, NodeSet nodes, Duration latency, Duration jitter, double loss) implements Step {
        public Link {
            checkLine(line);
            Objects.requireNonNull(nodes, "nodes");
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(jitter, "jitter");
            if (latency.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("negative delay");
            if (!(loss >= 0 && loss <= 1)) throw new IllegalArgumentException("loss must be 0..1");
        }
    }

    /** {@code follow FROM -> TO}: each node of {@code from} follows each of {@code to}, never itself. */
    record Follow(int line, NodeSet from, NodeSet to) implements Step {
        public Follow {
            checkLine(line);
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** {@code follow [FROM] random K}: each node of {@code from} follows K others picked at random. */
    record FollowRandom(int line, NodeSet from, int count) implements Step {
        public FollowRandom {
            checkLine(line);
            Objects.requireNonNull(from, "from");
            if (count < 1) throw new IllegalArgumentException("count must be at least 1");
        }
    }

    /**
     * {@code post WHO [COUNT] ["TEXT"]}: each node of {@code who} posts {@code count} times; with
     * {@code text} null the runner makes the text up.
     */
    record Post(int line, NodeSet who, int count, String text) implements Step {
        public static final int MAX_COUNT = 10_000;
        public static final int MAX_TEXT_BYTES = 4096;

        public Post {
            checkLine(line);
            Objects.requireNonNull(who, "who");
            if (count < 1 || count > MAX_COUNT) throw new IllegalArgumentException("count must be 1.." + MAX_COUNT);
        }
    }

    /**
     * {@code attach NODE SIZE ["NAME"]}: the node posts one attachment of {@code bytes} bytes of
     * made-up content under the file name {@code name} (null: the runner picks one).
     */
    record Attach(int line, int node, long bytes, String name) implements Step {
        public static final long MAX_BYTES = 2L << 30;
        public static final int MAX_NAME_BYTES = Content.MAX_FILE_NAME_BYTES;

        public Attach {
            checkLine(line);
            checkNode(node);
            if (bytes < 0 || bytes > MAX_BYTES) throw new IllegalArgumentException("size must be 0.." + MAX_BYTES);
        }
    }

    /** A channel's name in a scenario: as {@code grapevine channel create NAME} takes it. */
    static String checkChannelName(String name) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,31}")) {
            throw new IllegalArgumentException("a channel name is 1 to 32 of a-z, 0-9, '.', '_' and '-', not '" + name + "'");
        }
        return name;
    }

    /** {@code channel create NODE NAME}: the node creates a private channel it calls NAME. */
    record ChannelCreate(int line, int node, String name) implements Step {
        public ChannelCreate {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
        }
    }

    /** {@code channel invite NODE NAME -> NODES}: the node invites each of {@code to}, who joins at once. */
    record ChannelInvite(int line, int node, String name, NodeSet to) implements Step {
        public ChannelInvite {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
            Objects.requireNonNull(to, "to");
        }
    }

    /**
     * {@code channel post NODE NAME ["TEXT"]}, or {@code channel attach NODE NAME SIZE ["FILE"]}:
     * the node posts into the channel, with an attachment of {@code bytes} made-up bytes (−1: none).
     */
    record ChannelPost(int line, int node, String name, String text, long bytes, String file) implements Step {
        public ChannelPost {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
            if (bytes < -1 || bytes > Attach.MAX_BYTES) throw new IllegalArgumentException("size must be 0.." + Attach.MAX_BYTES);
        }
    }

    /**
     * {@code channel admin NODE NAME MEMBER}: the node, the channel's owner or an admin, makes the
     * member an admin (who may then remove members and name admins too).
     */
    record ChannelAdmin(int line, int node, String name, int member) implements Step {
        public ChannelAdmin {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
            checkNode(member);
        }
    }

    /**
     * {@code channel remove NODE NAME MEMBER}: the node, the channel's owner or an admin, removes
     * the member by a re-key; the member keeps what it holds and can read nothing posted later.
     */
    record ChannelRemove(int line, int node, String name, int member) implements Step {
        public ChannelRemove {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
            checkNode(member);
        }
    }

    /**
     * {@code channel bundle NODE NAME -> GUEST}: the node writes an invite folder for the guest,
     * as {@code grapevine channel invite --bundle} does, and the guest joins from what is in it,
     * as the folder's start script does.
     */
    record ChannelBundle(int line, int node, String name, int guest) implements Step {
        public ChannelBundle {
            checkLine(line);
            checkNode(node);
            checkChannelName(name);
            checkNode(guest);
        }
    }

    /**
     * {@code dm FROM TO ["TEXT"]}: node {@code from} sends node {@code to} a direct message, which
     * opens their conversation if it is the first; with {@code text} null the runner makes it up.
     */
    record Dm(int line, int from, int to, String text) implements Step {
        public Dm {
            checkLine(line);
            checkNode(from);
            checkNode(to);
            if (from == to) throw new IllegalArgumentException("node " + from + " cannot send a message to itself");
        }
    }

    /**
     * {@code dm random N ["TEXT"]}: N conversations between different pairs of nodes, each a
     * message from a node that is up to another node, up or down, drawn when the step runs.
     */
    record DmRandom(int line, int count, String text) implements Step {
        public static final int MAX_COUNT = 10_000;

        public DmRandom {
            checkLine(line);
            if (count < 1 || count > MAX_COUNT) throw new IllegalArgumentException("count must be 1.." + MAX_COUNT);
        }

        /** How many different pairs {@code nodes} nodes make: the most conversations one step can draw. */
        public static long pairs(int nodes) {
            return (long) nodes * (nodes - 1) / 2;
        }
    }

    /** {@code await WHAT [within D]}: block until the condition holds; failing after {@code within} (default 30s). */
    record Await(int line, What what, Duration within) implements Step {
        public static final Duration DEFAULT_WITHIN = Duration.ofSeconds(30);

        public enum What {
            /** Every post made so far is at every live node interested in its author. */
            DELIVERED,
            /** Every attachment posted so far is fetched by every live node interested in its author. */
            BLOBS,
            /** Every live node has at least one connection. */
            CONNECTED,
            /** As {@link #DELIVERED}; the name reads better after faults. */
            CONVERGED,
            /**
             * Every channel post so far, with its attachment, is at every live member of its
             * channel, and every removal has reached every live member (see ChannelRun).
             */
            CHANNEL,
            /**
             * Every direct message so far is held, readable, by its recipient, counting the
             * recipients that are up (and of the messages not held yet, those whose sender is up:
             * nobody else holds them). See DmRun.
             */
            DMS
        }

        public Await {
            checkLine(line);
            Objects.requireNonNull(what, "what");
            checkPositive(within);
        }
    }

    /** {@code wait D}: let the network run for a while. */
    record Wait(int line, Duration duration) implements Step {
        public Wait {
            checkLine(line);
            checkPositive(duration);
        }
    }

    /** {@code kill NODES}: stop these nodes abruptly; {@code random K} draws among the nodes that are up. */
    record Kill(int line, NodeSet nodes) implements Step {
        public Kill {
            checkLine(line);
            Objects.requireNonNull(nodes, "nodes");
        }
    }

    /** {@code restart NODES}: start killed nodes again on their old data; {@code all} means every node that is down. Never random. */
    record Restart(int line, NodeSet nodes) implements Step {
        public Restart {
            checkLine(line);
            Objects.requireNonNull(nodes, "nodes");
            if (nodes.isRandom()) throw new IllegalArgumentException("restart cannot be random");
        }
    }

    /**
     * {@code partition A | B [| C ...]}: cut every link between nodes on different sides; nodes
     * on no side keep all their links. The sides are fixed, disjoint node sets.
     */
    record Partition(int line, List<NodeSet> sides) implements Step {
        public Partition {
            checkLine(line);
            sides = List.copyOf(sides);
            if (sides.size() < 2) throw new IllegalArgumentException("a partition needs two sides");
            for (NodeSet side : sides) {
                if (!(side instanceof NodeSet.Fixed)) throw new IllegalArgumentException("partition sides must be fixed nodes");
            }
            if (overlap(sides) != null) throw new IllegalArgumentException("partition sides overlap");
        }

        /** A node on two sides and the two sides (counted from 1), or null if the fixed sides are disjoint. */
        static int[] overlap(List<NodeSet> sides) {
            for (int a = 0; a < sides.size(); a++) {
                for (int b = a + 1; b < sides.size(); b++) {
                    for (NodeSet.Range x : ((NodeSet.Fixed) sides.get(a)).ranges()) {
                        for (NodeSet.Range y : ((NodeSet.Fixed) sides.get(b)).ranges()) {
                            int node = Math.max(x.first(), y.first());
                            if (node <= Math.min(x.last(), y.last())) return new int[] {node, a + 1, b + 1};
                        }
                    }
                }
            }
            return null;
        }
    }

    /** {@code heal}: undo the partition in force. */
    record Heal(int line) implements Step {
        public Heal {
            checkLine(line);
        }
    }

    /** {@code report ["LABEL"]}: print a report of the run so far; {@code label} may be null. */
    record Report(int line, String label) implements Step {
        public Report {
            checkLine(line);
        }
    }

    /** {@code feeds [NODES]}: print the feed of each of these nodes (default all). */
    record Feeds(int line, NodeSet who) implements Step {
        public Feeds {
            checkLine(line);
            Objects.requireNonNull(who, "who");
        }
    }

    /** {@code say "TEXT"}: print a line of narration. */
    record Say(int line, String text) implements Step {
        public Say {
            checkLine(line);
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code name NODE "NAME"}: the node declares this display name for itself. */
    record Name(int line, int node, String name) implements Step {
        public static final int MAX_BYTES = Content.MAX_NAME_BYTES;

        public Name {
            checkLine(line);
            checkNode(node);
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) throw new IllegalArgumentException("empty name");
        }
    }

    private static void checkLine(int line) {
        if (line < 0) throw new IllegalArgumentException("negative line " + line);
    }

    private static void checkNode(int node) {
        if (node < 0) throw new IllegalArgumentException("negative node " + node);
    }

    private static void checkPositive(Duration d) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("duration must be positive");
    }
}
