package org.grapevine.testnet.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.BlobId;
import org.grapevine.testnet.link.LinkEmulator;

/**
 * What the runner of a test network of daemon processes wants of them, as one small text file that
 * every daemon reads again when it changes: where each node listens (so a link can be told by
 * the address dialed), the link conditions, the partition in force, whom each node should dial,
 * and which blobs to report when complete. The runner replaces the file whole (write, then
 * rename), so a daemon never reads half of it.
 *
 * <pre>
 * grapevine-testnet-plan 1
 * node INDEX HOST PORT
 * all LATENCY_MS JITTER_MS LOSS         (LOSS a fraction, 0 to 1)
 * set INDEX LATENCY_MS JITTER_MS LOSS
 * side INDEX,INDEX,...                  (one line per side of the partition in force)
 * dial INDEX HOST:PORT@ID               (in order; a node dials each of its lines once per run)
 * watch BLOB_ID
 * </pre>
 */
public final class Plan {
    static final String HEADER = "grapevine-testnet-plan 1";

    final Map<Integer, PeerAddress> nodes = new HashMap<>();
    LinkEmulator.Conditions everywhere = LinkEmulator.Conditions.NONE;
    final Map<Integer, LinkEmulator.Conditions> byNode = new HashMap<>();
    final List<Set<Integer>> sides = new ArrayList<>();
    /** Node index and whom it dials, in the order asked. */
    final List<Map.Entry<Integer, PeerAddress>> dials = new ArrayList<>();
    final Set<BlobId> watched = new HashSet<>();

    public void node(int index, PeerAddress address) {
        nodes.put(index, address);
    }

    public void setAll(LinkEmulator.Conditions c) {
        everywhere = c;
        byNode.clear();
    }

    public void set(Set<Integer> which, LinkEmulator.Conditions c) {
        for (int n : which) byNode.put(n, c);
    }

    public void partition(List<Set<Integer>> newSides) {
        sides.clear();
        sides.addAll(newSides);
    }

    public void heal() {
        sides.clear();
    }

    public void dial(int from, PeerAddress to) {
        dials.add(Map.entry(from, to));
    }

    public void watch(BlobId blob) {
        watched.add(blob);
    }

    /** Replaces {@code file} with this plan in one step. */
    public void write(Path file) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        nodes.forEach((i, a) -> b.append("node ").append(i).append(' ').append(a.host()).append(' ').append(a.port()).append('\n'));
        b.append("all ").append(conditions(everywhere)).append('\n');
        byNode.forEach((i, c) -> b.append("set ").append(i).append(' ').append(conditions(c)).append('\n'));
        for (Set<Integer> side : sides) {
            b.append("side ").append(String.join(",", side.stream().sorted().map(String::valueOf).toList())).append('\n');
        }
        for (Map.Entry<Integer, PeerAddress> d : dials) b.append("dial ").append(d.getKey()).append(' ').append(d.getValue()).append('\n');
        for (BlobId blob : watched) b.append("watch ").append(blob).append('\n');
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, b, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String conditions(LinkEmulator.Conditions c) {
        return c.latency().toMillis() + " " + c.jitter().toMillis() + " " + String.format(Locale.ROOT, "%.6f", c.loss());
    }

    /**
     * Reads a plan, checking every line.
     *
     * @throws IllegalArgumentException naming the first line that is not as written above
     */
    public static Plan parse(String text) {
        Plan plan = new Plan();
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) throw new IllegalArgumentException("not a test network plan");
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            if (line.isEmpty()) continue;
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "node" -> {
                        fields(f, 4);
                        plan.node(index(f[1]), new PeerAddress(f[2], Integer.parseInt(f[3]), null));
                    }
                    case "all" -> {
                        fields(f, 4);
                        plan.everywhere = conditions(f, 1);
                    }
                    case "set" -> {
                        fields(f, 5);
                        plan.byNode.put(index(f[1]), conditions(f, 2));
                    }
                    case "side" -> {
                        fields(f, 2);
                        Set<Integer> side = new HashSet<>();
                        for (String i : f[1].split(",")) side.add(index(i));
                        plan.sides.add(side);
                    }
                    case "dial" -> {
                        fields(f, 3);
                        plan.dial(index(f[1]), PeerAddress.parse(f[2]));
                    }
                    case "watch" -> {
                        fields(f, 2);
                        plan.watch(BlobId.parse(f[1]));
                    }
                    default -> throw new IllegalArgumentException("unknown directive");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("plan line " + (n + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        return plan;
    }

    private static void fields(String[] f, int count) {
        if (f.length != count) throw new IllegalArgumentException("expected " + count + " fields");
    }

    private static int index(String text) {
        int i = Integer.parseInt(text);
        if (i < 0) throw new IllegalArgumentException("negative node index");
        return i;
    }

    private static LinkEmulator.Conditions conditions(String[] f, int from) {
        return new LinkEmulator.Conditions(Duration.ofMillis(Long.parseLong(f[from])), Duration.ofMillis(Long.parseLong(f[from + 1])),
                Double.parseDouble(f[from + 2]));
    }

    /** Applies the node addresses, conditions and partition to {@code links}. */
    void applyTo(LinkEmulator links) {
        nodes.forEach((i, a) -> links.register(i, a.socketAddress()));
        links.setAll(everywhere);
        byNode.forEach((i, c) -> links.set(Set.of(i), c));
        if (sides.isEmpty()) links.heal();
        else links.partition(sides);
    }
}
