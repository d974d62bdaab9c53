package org.grapevine.testnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a scenario run measured, at one moment: delivery of every post to the live nodes that
 * should have it, redundancy, hops, bytes and memory. {@link #text} for people, {@link #json} for
 * scripts (top-level keys {@code reliability}, {@code rmr}, {@code ldh}, {@code bytes_per_node},
 * {@code delivery_ms} and more).
 *
 * @param label            what the scenario called this report
 * @param elapsedMs        since the scenario started
 * @param nodes            nodes in the scenario
 * @param alive            nodes running now
 * @param posts            posts the scenario made
 * @param expected         (post, live interested node) pairs: deliveries that should have happened
 * @param delivered        of those, how many happened
 * @param reliability      delivered / expected (1 when nothing was expected)
 * @param rmr              copies received / nodes reached − 1, over all posts (0 = every node got one copy)
 * @param echoes           copies of posts sent back to their own authors (not in the RMR)
 * @param ldhMax           the most hops any post's first copy travelled to a node
 * @param ldhMean          the mean over posts of each post's last-delivery hop count
 * @param deliveryMedianMs median of the times from a post to its arrival at each node that should have it
 * @param deliveryP99Ms    99th percentile of the same
 * @param completeMedianMs median over fully delivered posts of the time until the last node had it
 * @param bytesSentTotal   bytes all nodes wrote to their sockets
 * @param bytesPerNode     bytesSentTotal / nodes
 * @param bytesPerDelivery bytesSentTotal / delivered
 * @param heapUsedBytes    heap in use after a collection; with daemon processes, their resident memory
 * @param convergenceMs    for each await that followed a fault, how long after the fault it came true
 * @param awaits           every await so far and how it ended
 * @param slowest          the posts that took longest to reach everyone (or have not yet)
 * @param internalErrors   exceptions nobody expected in any node's log (a healthy run has none)
 * @param channels         the channels' tally (printed as lines of the story before the report)
 * @param dms              the direct messages' tally (printed the same way)
 */
record Report(String label, long elapsedMs, int nodes, int alive, int posts, long expected, long delivered,
              double reliability, double rmr, long echoes, int ldhMax, double ldhMean, double deliveryMedianMs, double deliveryP99Ms,
              double completeMedianMs, long bytesSentTotal, long bytesPerNode, double bytesPerDelivery, long heapUsedBytes,
              List<Long> convergenceMs, List<AwaitResult> awaits, List<PostLine> slowest, int internalErrors,
              ChannelRun.Tally channels, DmRun.Tally dms) {

    /** How one await ended. */
    record AwaitResult(int line, String what, boolean ok, long tookMs) {}

    /** One post in the report: author, how many should have it, how many do, and when the last got it. */
    record PostLine(String id, int author, int expected, int reached, double completeMs) {}

    boolean allDelivered() {
        return delivered == expected && dms.delivered() == dms.expected();
    }

    boolean awaitsOk() {
        return awaits.stream().allMatch(AwaitResult::ok);
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append("== report").append(label.isEmpty() ? "" : " \"" + label + "\"")
                .append(String.format(Locale.ROOT, " at %.1f s ==%n", elapsedMs / 1000.0));
        b.append(String.format(Locale.ROOT, "nodes          %d (%d running)%n", nodes, alive));
        b.append(String.format(Locale.ROOT, "posts          %d; delivered %d of %d expected deliveries%n", posts, delivered, expected));
        b.append(String.format(Locale.ROOT, "reliability    %.2f%%%n", reliability * 100));
        b.append(String.format(Locale.ROOT, "delivery       median %.1f ms, p99 %.1f ms; a post reaches all its nodes in %.1f ms (median)%n",
                deliveryMedianMs, deliveryP99Ms, completeMedianMs));
        b.append(String.format(Locale.ROOT, "redundancy     RMR %.2f (copies received per node reached, minus one); %d copies back to their authors%n", rmr, echoes));
        b.append(String.format(Locale.ROOT, "hops           last delivery %d at most, %.1f on average%n", ldhMax, ldhMean));
        b.append(String.format(Locale.ROOT, "bytes sent     %s in all, %s per node, %s per delivery%n",
                human(bytesSentTotal), human(bytesPerNode), human((long) bytesPerDelivery)));
        b.append(String.format(Locale.ROOT, "memory used    %s%n", human(heapUsedBytes)));
        if (internalErrors > 0) b.append("INTERNAL ERRORS ").append(internalErrors).append(" (see the nodes' event logs)\n");
        if (!convergenceMs.isEmpty()) b.append("convergence    ").append(convergenceMs).append(" ms after faults\n");
        for (AwaitResult a : awaits) {
            b.append(String.format(Locale.ROOT, "await          line %d %s: %s in %.1f s%n", a.line(), a.what(),
                    a.ok() ? "ok" : "NOT MET", a.tookMs() / 1000.0));
        }
        for (PostLine p : slowest) {
            b.append(String.format(Locale.ROOT, "slowest post   %s by node %d: %d of %d, %s%n", p.id(), p.author(), p.reached(),
                    p.expected(), p.completeMs() < 0 ? "not everywhere yet" : String.format(Locale.ROOT, "all in %.1f ms", p.completeMs())));
        }
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder("{");
        field(b, "label", quote(label));
        field(b, "elapsed_ms", Long.toString(elapsedMs));
        field(b, "nodes", Integer.toString(nodes));
        field(b, "alive", Integer.toString(alive));
        field(b, "posts", Integer.toString(posts));
        field(b, "expected", Long.toString(expected));
        field(b, "delivered", Long.toString(delivered));
        field(b, "reliability", num(reliability));
        field(b, "rmr", num(rmr));
        field(b, "echoes", Long.toString(echoes));
        field(b, "ldh", "{\"max\":" + ldhMax + ",\"mean\":" + num(ldhMean) + "}");
        field(b, "delivery_ms", "{\"median\":" + num(deliveryMedianMs) + ",\"p99\":" + num(deliveryP99Ms)
                + ",\"complete_median\":" + num(completeMedianMs) + "}");
        field(b, "bytes_per_node", Long.toString(bytesPerNode));
        field(b, "bytes_sent_total", Long.toString(bytesSentTotal));
        field(b, "bytes_per_delivery", num(bytesPerDelivery));
        field(b, "heap_used_bytes", Long.toString(heapUsedBytes));
        field(b, "internal_errors", Integer.toString(internalErrors));
        field(b, "convergence_ms", convergenceMs.toString().replace(" ", ""));
        List<String> as = new ArrayList<>();
        for (AwaitResult a : awaits) {
            as.add("{\"line\":" + a.line() + ",\"what\":" + quote(a.what()) + ",\"ok\":" + a.ok() + ",\"took_ms\":" + a.tookMs() + "}");
        }
        field(b, "awaits", "[" + String.join(",", as) + "]");
        List<String> ps = new ArrayList<>();
        for (PostLine p : slowest) {
            ps.add("{\"id\":" + quote(p.id()) + ",\"author\":" + p.author() + ",\"expected\":" + p.expected() + ",\"reached\":"
                    + p.reached() + ",\"complete_ms\":" + (p.completeMs() < 0 ? "null" : num(p.completeMs())) + "}");
        }
        field(b, "slowest_posts", "[" + String.join(",", ps) + "]");
        if (channels.posts() > 0 || !channels.rekeyMs().isEmpty()) {
            field(b, "channels", "{\"posts\":" + channels.posts() + ",\"copies_wanted\":" + channels.wanted() + ",\"copies_delivered\":"
                    + channels.delivered() + ",\"reached_non_members\":{\"entries\":" + channels.leakedEntries() + ",\"blobs\":"
                    + channels.leakedBlobs() + "},\"removed_reading_later_posts\":" + channels.removedReading() + ",\"rekey_ms\":"
                    + "[" + channels.rekeyMs().stream().map(ms -> ms < 0 ? "null" : ms.toString()).collect(java.util.stream.Collectors.joining(","))
                    + "]}");
        }
        if (dms.messages() > 0) {
            field(b, "dms", "{\"messages\":" + dms.messages() + ",\"conversations\":" + dms.conversations() + ",\"expected\":" + dms.expected()
                    + ",\"delivered\":" + dms.delivered() + ",\"delivery_ms\":{\"median\":" + num(dms.medianMs()) + ",\"p99\":" + num(dms.p99Ms())
                    + "},\"reached_non_participants\":{\"entries\":" + dms.leakedEntries() + ",\"conversations\":" + dms.strayConversations() + "}}");
        }
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
    }
}
