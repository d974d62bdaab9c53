package org.grapevine.testnet.scenario;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.grapevine.testnet.scenario.Lexer.Token;
import org.grapevine.testnet.scenario.Lexer.Type;

/**
 * Turns the tokens of one line into a {@link Step}, checking everything that one line shows on
 * its own; {@link Validator} checks the script as a whole.
 */
final class LineParser {
    /** Each step's name with an example, which messages quote. */
    static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("nodes", "nodes 10"),
            Map.entry("hops", "hops 2"),
            Map.entry("seed", "seed 42"),
            Map.entry("topology", "topology ring, or topology random 4"),
            Map.entry("link", "link 0..4 latency 80ms jitter 5ms loss 1%"),
            Map.entry("follow", "follow 1..4 -> 0, or follow random 5"),
            Map.entry("post", "post 0 \"hello\", or post all 10"),
            Map.entry("attach", "attach 3 2MiB \"wedding.jpg\""),
            Map.entry("channel", "channel create 0 wedding, channel invite 0 wedding -> 1..11, channel post 3 wedding \"hi\", "
                    + "channel attach 3 wedding 8MiB \"photo.jpg\", channel admin 0 wedding 1, channel remove 0 wedding 5, "
                    + "channel bundle 0 wedding -> 12"),
            Map.entry("channel create", "channel create 0 wedding"),
            Map.entry("channel invite", "channel invite 0 wedding -> 1..11"),
            Map.entry("channel post", "channel post 3 wedding \"so moving\""),
            Map.entry("channel attach", "channel attach 3 wedding 8MiB \"photo.jpg\""),
            Map.entry("channel admin", "channel admin 0 wedding 1"),
            Map.entry("channel remove", "channel remove 0 wedding 5"),
            Map.entry("channel bundle", "channel bundle 0 wedding -> 12"),
            Map.entry("dm", "dm 0 1 \"hello\", or dm random 30"),
            Map.entry("await", "await delivered within 10s, await channel within 60s, or await dms within 60s"),
            Map.entry("wait", "wait 2s"),
            Map.entry("kill", "kill 3,5"),
            Map.entry("restart", "restart 3,5"),
            Map.entry("partition", "partition 0..4 | 5..9"),
            Map.entry("heal", "heal"),
            Map.entry("report", "report \"after heal\""),
            Map.entry("feeds", "feeds 0..2"),
            Map.entry("say", "say \"Alice posts a photo\""),
            Map.entry("name", "name 0 \"alice\""));
    /** The step names in the order the reference lists them. */
    static final List<String> STEPS = List.of("nodes", "hops", "seed", "topology", "link", "follow", "post", "attach", "channel",
            "dm", "await", "wait", "kill", "restart", "partition", "heal", "report", "feeds", "say", "name");
    private static final List<String> LINK_SETTINGS = List.of("latency", "jitter", "loss");
    private static final List<String> CHANNEL_STEPS = List.of("create", "invite", "post", "attach", "admin", "remove", "bundle");

    private final int line;
    private final List<Token> tokens;
    private String step = "";
    private int pos;

    private LineParser(int line, List<Token> tokens) {
        this.line = line;
        this.tokens = tokens;
    }

    /** Parses a line with at least one token. */
    static Step parse(int line, List<Token> tokens) {
        LineParser p = new LineParser(line, tokens);
        try {
            Step s = p.step();
            p.end();
            return s;
        } catch (IllegalArgumentException e) {
            // A record refused what slipped past the checks here; still the script's fault.
            throw new LineError(e.getMessage());
        }
    }

    static NodeSet parseNodeSet(String text) {
        try {
            LineParser p = new LineParser(0, Lexer.tokens(text == null ? "" : text));
            NodeSet set = p.nodeSet("a node set");
            p.end();
            return set;
        } catch (LineError e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private Step step() {
        Token first = tokens.get(0);
        if (first.type() != Type.WORD) throw new LineError("a step starts with its name, not '" + first.written() + "'");
        step = lower(first.text());
        pos = 1;
        return switch (step) {
            case "nodes" -> new Step.Nodes(line, (int) ranged("the node count", 1, Step.Nodes.MAX));
            case "hops" -> new Step.Hops(line, (int) ranged("the hop count", 1, Step.Hops.MAX));
            case "seed" -> new Step.Seed(line, seed());
            case "topology" -> topology();
            case "link" -> link();
            case "follow" -> follow();
            case "post" -> post();
            case "attach" -> new Step.Attach(line, node(), size(), optionalString("the file name", Step.Attach.MAX_NAME_BYTES));
            case "channel" -> channel();
            case "dm" -> dm();
            case "await" -> await();
            case "wait" -> new Step.Wait(line, duration("the duration"));
            case "kill" -> new Step.Kill(line, nodeSet("the nodes to kill"));
            case "restart" -> restart();
            case "partition" -> partition();
            case "heal" -> new Step.Heal(line);
            case "report" -> new Step.Report(line, optionalString("the label", Step.Post.MAX_TEXT_BYTES));
            case "feeds" -> new Step.Feeds(line, atEnd() ? NodeSet.ALL : nodeSet("the nodes"));
            case "say" -> new Step.Say(line, string("the text", Step.Post.MAX_TEXT_BYTES));
            case "name" -> new Step.Name(line, node(), string("the name", Step.Name.MAX_BYTES));
            default -> throw unknown("step", first.text(), STEPS);
        };
    }

    private long seed() {
        String w = word("a number");
        if (!w.matches("-?\\d+")) throw new LineError("the seed must be a whole number, not '" + w + "'");
        try {
            return Long.parseLong(w);
        } catch (NumberFormatException e) {
            throw new LineError("the seed " + w + " does not fit in 64 bits");
        }
    }

    private Step topology() {
        String w = word("a kind");
        Step.Topology.Kind kind = choice("topology", w, Step.Topology.Kind.class);
        int degree = kind == Step.Topology.Kind.RANDOM ? (int) ranged("the degree", 1, Integer.MAX_VALUE) : 0;
        return new Step.Topology(line, kind, degree);
    }

    private Step link() {
        NodeSet nodes = NodeSet.ALL;
        if (!atEnd() && startsNodeSet(peek())) nodes = nodeSet("the nodes");
        Duration latency = null;
        Duration jitter = null;
        Double loss = null;
        if (atEnd()) throw missing("latency, jitter or loss");
        while (!atEnd()) {
            Token t = tokens.get(pos++);
            String setting = lower(t.text());
            if (t.type() != Type.WORD || !LINK_SETTINGS.contains(setting)) {
                if (t.type() != Type.WORD) throw new LineError("unexpected '" + t.written() + "' in a link step (its settings are latency, jitter, loss)");
                throw unknown("link setting", t.text(), LINK_SETTINGS);
            }
            if (setting.equals("latency")) {
                if (latency != null) throw new LineError("latency is given twice");
                latency = duration("the latency", false);
            } else if (setting.equals("jitter")) {
                if (jitter != null) throw new LineError("jitter is given twice");
                jitter = duration("the jitter", false);
            } else {
                if (loss != null) throw new LineError("loss is given twice");
                loss = Values.percent(word("a percentage after 'loss'"), "the loss");
            }
        }
        return new Step.Link(line, nodes, latency == null ? Duration.ZERO : latency, jitter == null ? Duration.ZERO : jitter,
                loss == null ? 0 : loss);
    }

    private Step follow() {
        NodeSet from = nodeSet("the followers");
        if (peekIs(Type.ARROW)) {
            pos++;
            return new Step.Follow(line, from, nodeSet("the nodes to follow after '->'"));
        }
        if (peekWord("random")) {
            pos++;
            return new Step.FollowRandom(line, from, (int) ranged("the count after 'random'", 1, Integer.MAX_VALUE));
        }
        if (atEnd() && from instanceof NodeSet.Random r) return new Step.FollowRandom(line, NodeSet.ALL, r.count());
        if (atEnd()) throw missing("'->' and the nodes to follow, or 'random K'");
        throw new LineError("unexpected '" + peek().written() + "' after '" + written() + "'; expected '->' or 'random'");
    }

    private Step post() {
        NodeSet who = nodeSet("the nodes that post");
        int count = 1;
        if (peekIs(Type.WORD)) {
            String w = peek().text();
            if (!w.matches("\\d+")) throw new LineError("unexpected '" + w + "': a post's text goes in double quotes");
            count = (int) ranged("the post count", 1, Step.Post.MAX_COUNT);
        }
        return new Step.Post(line, who, count, optionalString("the text", Step.Post.MAX_TEXT_BYTES));
    }

    private Step channel() {
        String what = lower(word("create, invite, post, attach, admin, remove or bundle"));
        if (CHANNEL_STEPS.contains(what)) step = "channel " + what;
        return switch (what) {
            case "create" -> new Step.ChannelCreate(line, node(), channelName());
            case "invite" -> {
                int node = node();
                String name = channelName();
                arrow("the nodes to invite");
                yield new Step.ChannelInvite(line, node, name, nodeSet("the nodes to invite after '->'"));
            }
            case "post" -> new Step.ChannelPost(line, node(), channelName(), optionalString("the text", Step.Post.MAX_TEXT_BYTES), -1, null);
            case "attach" -> new Step.ChannelPost(line, node(), channelName(), null, size(), optionalString("the file name", Step.Attach.MAX_NAME_BYTES));
            case "admin" -> new Step.ChannelAdmin(line, node(), channelName(), node("the member to make an admin"));
            case "remove" -> new Step.ChannelRemove(line, node(), channelName(), node("the member to remove"));
            case "bundle" -> {
                int node = node();
                String name = channelName();
                arrow("the guest");
                yield new Step.ChannelBundle(line, node, name, node("the guest after '->'"));
            }
            default -> throw unknown("channel step", what, CHANNEL_STEPS);
        };
    }

    private Step dm() {
        if (peekWord("random")) {
            pos++;
            int count = (int) ranged("the number of conversations after 'random'", 1, Step.DmRandom.MAX_COUNT);
            return new Step.DmRandom(line, count, optionalString("the text", Step.Post.MAX_TEXT_BYTES));
        }
        int from = node("the sender");
        if (peekIs(Type.ARROW)) throw new LineError("dm takes the sender and then the recipient, without '->' (e.g. dm 0 1 \"hello\")");
        int to = node("the recipient");
        if (from == to) throw new LineError("node " + from + " cannot send a message to itself");
        return new Step.Dm(line, from, to, optionalString("the text", Step.Post.MAX_TEXT_BYTES));
    }

    private void arrow(String what) {
        if (!peekIs(Type.ARROW)) throw missing("'->' and " + what);
        pos++;
    }

    private String channelName() {
        String w = word("the channel's name");
        try {
            return Step.checkChannelName(w);
        } catch (IllegalArgumentException e) {
            throw new LineError(e.getMessage());
        }
    }

    private Step await() {
        Step.Await.What what = choice("condition", word("a condition"), Step.Await.What.class);
        Duration within = Step.Await.DEFAULT_WITHIN;
        if (peekWord("within")) {
            pos++;
            within = duration("the time limit");
        }
        return new Step.Await(line, what, within);
    }

    private Step restart() {
        NodeSet nodes = nodeSet("the nodes to restart");
        if (nodes.isRandom()) {
            throw new LineError("restart cannot pick nodes at random: name them, or write 'restart all' for every node that is down");
        }
        return new Step.Restart(line, nodes);
    }

    private Step partition() {
        List<NodeSet> sides = new ArrayList<>();
        sides.add(nodeSet("the nodes of the first side"));
        while (peekIs(Type.BAR)) {
            pos++;
            sides.add(nodeSet("the nodes of a side after '|'"));
        }
        if (sides.size() < 2) {
            if (!atEnd()) throw new LineError("unexpected '" + peek().written() + "' after '" + written() + "'; sides are separated by '|'");
            throw new LineError("partition needs two or more sides separated by '|' (e.g. partition 0..4 | 5..9)");
        }
        for (NodeSet side : sides) {
            if (!(side instanceof NodeSet.Fixed)) {
                throw new LineError("a side of a partition is a list of nodes and ranges, not '" + side + "'");
            }
        }
        int[] overlap = Step.Partition.overlap(sides);
        if (overlap != null) {
            throw new LineError("node " + overlap[0] + " is on two sides of the partition (" + overlap[1] + " and " + overlap[2] + ")");
        }
        return new Step.Partition(line, sides);
    }

    /** {@code all}, {@code random K}, or numbers and ranges separated by commas. */
    private NodeSet nodeSet(String what) {
        List<NodeSet.Range> ranges = new ArrayList<>();
        while (true) {
            if (atEnd()) throw ranges.isEmpty() ? missing(what) : new LineError("a node list cannot end with ','");
            Token t = tokens.get(pos++);
            if (t.type() != Type.WORD) throw new LineError("expected " + what + ", not '" + t.written() + "'");
            String w = lower(t.text());
            if (w.equals("all") || w.equals("random")) {
                NodeSet set = w.equals("all") ? NodeSet.ALL : new NodeSet.Random((int) ranged("the count after 'random'", 1, Integer.MAX_VALUE));
                if (!ranges.isEmpty() || peekIs(Type.COMMA)) throw new LineError("'" + set + "' cannot be combined with other nodes in a list");
                return set;
            }
            ranges.add(range(t.text()));
            if (!peekIs(Type.COMMA)) return new NodeSet.Fixed(ranges);
            pos++;
        }
    }

    /** Whether a node set, rather than a keyword, begins here: {@code all}, {@code random}, or a digit. */
    private static boolean startsNodeSet(Token t) {
        String w = lower(t.text());
        return t.type() == Type.WORD && (w.equals("all") || w.equals("random") || Character.isDigit(w.charAt(0)));
    }

    private static NodeSet.Range range(String w) {
        int dots = w.indexOf("..");
        if (dots < 0) return new NodeSet.Range(nodeNumber(w, w), nodeNumber(w, w));
        int first = nodeNumber(w.substring(0, dots), w);
        int last = nodeNumber(w.substring(dots + 2), w);
        if (last < first) throw new LineError("the range " + w + " runs backwards; write " + last + ".." + first);
        return new NodeSet.Range(first, last);
    }

    private static int nodeNumber(String part, String word) {
        if (!part.matches("\\d+")) {
            throw new LineError("'" + word + "' is not a node set (all, 3, 0..9, 1,3,5..7 or random 5)");
        }
        if (part.length() > 9) throw new LineError("node " + part + " is out of range");
        return Integer.parseInt(part);
    }

    /** One node number, where a step takes exactly one node. */
    private int node() {
        return node("a node number");
    }

    /** One node number, called {@code what} if it is missing. */
    private int node(String what) {
        String w = word(what);
        if (peekIs(Type.COMMA)) throw new LineError(step + " takes one node number" + ", not a list");
        if (!w.matches("\\d+")) throw new LineError(step + " takes one node number" + ", not '" + w + "'");
        return nodeNumber(w, w);
    }

    private long ranged(String what, long min, long max) {
        String w = word(what.replaceFirst("^the ", "a "));
        if (!w.matches("\\d+")) throw new LineError(what + " must be a whole number, not '" + w + "'");
        long n = w.length() > 18 ? Long.MAX_VALUE : Long.parseLong(w);
        if (n < min || n > max) {
            throw new LineError(what + " must be " + (max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
                    + ", not " + w);
        }
        return n;
    }

    private Duration duration(String what) {
        return duration(what, true);
    }

    private Duration duration(String what, boolean positive) {
        String w = unitWord(what);
        Duration d = Values.duration(w, what);
        if (positive && d.isZero()) throw new LineError(what + " must be more than zero");
        return d;
    }

    private long size() {
        String w = unitWord("the size");
        return Values.size(w, "the size", Step.Attach.MAX_BYTES);
    }

    /** A number with its unit, catching the common slip of a space between the two. */
    private String unitWord(String what) {
        String w = word(what.replaceFirst("^the ", "a "));
        if (w.matches("\\d+(\\.\\d+)?") && peekIs(Type.WORD) && Values.isUnit(peek().text())) {
            throw new LineError("write " + w + peek().text() + " without a space");
        }
        return w;
    }

    private String string(String what, int maxBytes) {
        if (atEnd()) throw missing(what + " in double quotes");
        Token t = tokens.get(pos);
        if (t.type() != Type.STRING) throw new LineError(what + " goes in double quotes: \"" + t.text() + "\"");
        pos++;
        if (t.text().isEmpty()) throw new LineError(what + " is empty");
        int bytes = t.text().getBytes(UTF_8).length;
        if (bytes > maxBytes) throw new LineError(what + " is " + bytes + " bytes long, more than the " + maxBytes + " allowed");
        return t.text();
    }

    private String optionalString(String what, int maxBytes) {
        return atEnd() ? null : string(what, maxBytes);
    }

    private <E extends Enum<E>> E choice(String kind, String w, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> lower(e.name())).toList();
        int i = names.indexOf(lower(w));
        if (i < 0) throw unknown(kind, w, names);
        return type.getEnumConstants()[i];
    }

    private String word(String what) {
        if (atEnd()) throw missing(what);
        Token t = tokens.get(pos);
        if (t.type() != Type.WORD) throw new LineError("expected " + what + ", not '" + t.written() + "'");
        pos++;
        return t.text();
    }

    private void end() {
        if (!atEnd()) throw new LineError("unexpected '" + peek().written() + "' after '" + written() + "'");
    }

    private LineError missing(String what) {
        if (pos == 0) return new LineError("missing " + what);
        String example = EXAMPLES.get(step);
        return new LineError(written() + " needs " + what + (example == null ? "" : " (e.g. " + example + ")"));
    }

    private static LineError unknown(String kind, String w, List<String> known) {
        String suggestion = Suggest.closest(lower(w), known);
        return new LineError("unknown " + kind + " '" + w + "'"
                + (suggestion != null ? "; did you mean '" + suggestion + "'?" : " (one of " + String.join(", ", known) + ")"));
    }

    /** The tokens read so far, as written. */
    private String written() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pos; i++) {
            Token t = tokens.get(i);
            if (i > 0 && t.type() != Type.COMMA && tokens.get(i - 1).type() != Type.COMMA) s.append(' ');
            s.append(t.written());
        }
        return s.toString();
    }

    private boolean atEnd() {
        return pos >= tokens.size();
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private boolean peekIs(Type type) {
        return !atEnd() && peek().type() == type;
    }

    private boolean peekWord(String word) {
        return peekIs(Type.WORD) && lower(peek().text()).equals(word);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
