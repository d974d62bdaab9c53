package org.grapevine.testnet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelKeys;
import org.grapevine.identity.channel.DirectKeys;

/**
 * The direct messages of a scenario run: who wrote to whom, whether each recipient can read each
 * message yet, and the report's lines on them (delivery, and whether anything of a conversation
 * reached a node outside it).
 */
final class DmRun {
    /** A message not seen arriving is looked for in its recipient's conversation at most this often. */
    private static final long ASK_AGAIN_NANOS = Duration.ofMillis(500).toNanos();
    /** Undelivered messages an await that failed lists. */
    private static final int EXPLAINED = 5;

    /** One message sent, and whether its recipient was seen to read it (a node keeps what it stored). */
    private static final class Message {
        final Tracker.Post post;
        boolean readable;
        long askedAt;

        Message(Tracker.Post post) {
            this.post = post;
        }

        int from() {
            return post.author;
        }

        int to() {
            return post.recipient;
        }
    }

    /** Two nodes that hold a conversation, the lower first. */
    private record Pair(int a, int b) {
        static Pair of(int x, int y) {
            return new Pair(Math.min(x, y), Math.max(x, y));
        }
    }

    /**
     * What a report found: messages sent, conversations, messages whose recipient (and, while
     * not delivered, sender) is up, how many of those their recipients read, the delivery times,
     * entries of a conversation's personas held by any other node, and conversations listed that
     * no message of the run opened.
     */
    record Tally(int messages, int conversations, long expected, long delivered, double medianMs, double p99Ms, long leakedEntries,
                 long strayConversations) {
        static final Tally NONE = new Tally(0, 0, 0, 0, 0, 0, 0, 0);

        /** Everything that must be zero: anything of a conversation outside it. */
        long leaks() {
            return leakedEntries + strayConversations;
        }
    }

    private final List<TestNode> nodes;
    private final Tracker tracker;
    private final IntFunction<String> names;
    private final List<Message> messages = new ArrayList<>();
    /** Each conversation's two personas: of its lower node, then of its higher. */
    private final Map<Pair, List<AuthorId>> personas = new LinkedHashMap<>();

    DmRun(List<TestNode> nodes, Tracker tracker, IntFunction<String> names) {
        this.nodes = nodes;
        this.tracker = tracker;
        this.names = names;
    }

    /** The persona {@code me} writes from in the conversation with {@code other} (docs/PROTOCOL.md, "Conversations"). */
    static AuthorId persona(Identity me, AuthorId other) {
        try {
            return ChannelKeys.persona(me, ChannelKeys.root(DirectKeys.secret(me, other))).id();
        } catch (Malformed e) {
            throw new IllegalArgumentException(other + " has no conversation: " + e.getMessage(), e);
        }
    }

    // ---- steps

    /** Node {@code from} sends node {@code to} a message (made up when {@code text} is null). */
    void send(int from, int to, String text) {
        Pair pair = Pair.of(from, to);
        personas.computeIfAbsent(pair, p -> List.of(nodes.get(p.a()).personaWith(nodes.get(p.b()).id()),
                nodes.get(p.b()).personaWith(nodes.get(p.a()).id())));
        String body = text != null ? text : "message " + (messages.size() + 1) + " from node " + from + " to node " + to;
        Tracker.Post[] made = new Tracker.Post[1];
        nodes.get(from).message(nodes.get(to), body, (id, blob, at) -> made[0] = tracker.messaged(id, from, to, at));
        messages.add(new Message(made[0]));
    }

    /**
     * {@code count} different pairs, each a sender among {@code up} and a recipient among all
     * other nodes, drawn from {@code random}; null when fewer pairs can be drawn.
     */
    List<int[]> draw(int count, List<Integer> up, RandomGenerator random) {
        List<int[]> candidates = new ArrayList<>();
        for (int a : up) {
            for (int b = 0; b < nodes.size(); b++) if (b != a) candidates.add(new int[] {a, b});
        }
        List<int[]> out = new ArrayList<>();
        java.util.Set<Pair> taken = new java.util.HashSet<>();
        for (int i = 0; i < candidates.size() && out.size() < count; i++) {
            int j = i + random.nextInt(candidates.size() - i);
            int[] c = candidates.get(j);
            candidates.set(j, candidates.get(i));
            if (taken.add(Pair.of(c[0], c[1]))) out.add(c);
        }
        return out.size() == count ? out : null;
    }

    // ---- awaits

    /**
     * Whether every message is held, readable, by its recipient, counting the recipients that
     * are up, and of the messages not held yet those whose sender is up: only the sender's node
     * holds a message until its recipient's has it.
     */
    boolean allHeld() {
        for (Message m : messages) {
            if (waitedFor(m) && !held(m, false)) return false;
        }
        return true;
    }

    private boolean waitedFor(Message m) {
        return nodes.get(m.to()).alive() && (m.readable || nodes.get(m.from()).alive());
    }

    /**
     * Whether the recipient reads {@code m}: asked of its node once the message was seen to
     * arrive there, or now and then when it was not (with {@code now}, at once).
     */
    private boolean held(Message m, boolean now) {
        if (m.readable) return true;
        TestNode to = nodes.get(m.to());
        if (!to.alive()) return false;
        long t = System.nanoTime();
        if (!now && !m.post.arrived.containsKey(m.to()) && t - m.askedAt < ASK_AGAIN_NANOS) return false;
        m.askedAt = t;
        m.readable = to.reads(nodes.get(m.from()).id(), m.post.id);
        return m.readable;
    }

    /** For an await not met: the first messages their recipients cannot read yet. */
    List<String> unread() {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            if (!waitedFor(m) || held(m, true)) continue;
            if (out.size() == EXPLAINED) {
                out.add("(more messages are not read yet)");
                break;
            }
            out.add(String.format(Locale.ROOT, "%s cannot read %s's message %s yet (sent %.1f s ago)", names.apply(m.to()), names.apply(m.from()),
                    m.post.id.toString().substring(0, 12), (System.nanoTime() - m.post.postedNanos) / 1e9));
        }
        return out;
    }

    // ---- report

    /** The messages' part of a report: the tally, and the lines to print. */
    record Told(Tally tally, List<String> lines) {}

    Told report() {
        if (messages.isEmpty()) return new Told(Tally.NONE, List.of());
        long expected = 0;
        long delivered = 0;
        List<Double> times = new ArrayList<>();
        for (Message m : messages) {
            if (!waitedFor(m)) continue;
            expected++;
            if (!held(m, true)) continue;
            delivered++;
            Long at = m.post.arrived.get(m.to());
            // A daemon's message is timed when its command returns: the recipient may have it a moment sooner.
            if (at != null) times.add(Math.max(0, at - m.post.postedNanos) / 1e6);
        }
        long entries = 0;
        List<Integer> notAsked = new ArrayList<>();
        for (int n = 0; n < nodes.size(); n++) {
            TestNode node = nodes.get(n);
            if (!node.alive()) notAsked.add(n);
            for (Map.Entry<Pair, List<AuthorId>> c : personas.entrySet()) {
                Pair p = c.getKey();
                if (n == p.a() || n == p.b()) continue;
                if (node.alive()) {
                    for (AuthorId persona : c.getValue()) entries += node.holds(persona);
                } else {
                    // Down: what the run saw arrive there.
                    for (Message m : messages) {
                        if (Pair.of(m.from(), m.to()).equals(p) && m.post.arrived.containsKey(n)) entries++;
                    }
                }
            }
        }
        long strays = 0;
        Map<AuthorId, Integer> indexOf = new HashMap<>();
        for (TestNode node : nodes) indexOf.put(node.id(), node.index());
        List<String> strayLines = new ArrayList<>();
        for (TestNode node : nodes) {
            if (!node.alive()) continue;
            for (AuthorId with : node.correspondents()) {
                Integer other = indexOf.get(with);
                if (other != null && personas.containsKey(Pair.of(node.index(), other))) continue;
                strays++;
                strayLines.add(names.apply(node.index()) + " lists a conversation with " + (other == null ? with.toString() : names.apply(other))
                        + " that no message of the run opened");
            }
        }
        double median = ScenarioRunner.percentile(times, 50);
        double p99 = ScenarioRunner.percentile(times, 99);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "dms: %d messages in %d conversations, %d of %d expected read by their recipients (%.1f%%); "
                + "delivery median %.1f ms, p99 %.1f ms; reached non-participants: %d entries, %d conversations",
                messages.size(), personas.size(), delivered, expected, expected == 0 ? 100.0 : 100.0 * delivered / expected, median, p99,
                entries, strays));
        lines.add("  (non-participants: every node but the two of a conversation holds no entry of either persona and lists no"
                + " conversation the run did not open" + (notAsked.isEmpty() ? ")" : "; down, counted by what was seen to arrive: "
                + notAsked.size() + " node" + (notAsked.size() == 1 ? "" : "s") + ")"));
        lines.addAll(strayLines);
        return new Told(new Tally(messages.size(), personas.size(), expected, delivered, median, p99, entries, strays), lines);
    }
}
