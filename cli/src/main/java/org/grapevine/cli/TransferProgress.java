package org.grapevine.cli;

import org.grapevine.node.Sizes;

import java.util.ArrayDeque;
import java.util.Locale;
import org.grapevine.identity.blob.BlobHasher;

/**
 * What {@code blob get} shows while a blob arrives: on a terminal one line redrawn in place with
 * {@code \r}; otherwise a plain line at most once a second when something moved, and one every
 * ten seconds while nothing does. Time comes in as arguments, so tests need no waiting.
 */
public final class TransferProgress {
    static final long LINE_EVERY_MILLIS = 1_000;
    static final long QUIET_LINE_EVERY_MILLIS = 10_000;
    static final long RATE_WINDOW_MILLIS = 3_000;
    private static final int BAR = 24;

    /** One look at a fetch: size (−1 while unknown), bytes here, bytes received in this run, peers sending. */
    public record Sample(long size, long held, long received, int peers) {
        /** Bytes held of a blob, from its chunk count (every chunk is whole but the last). */
        public static long heldBytes(long size, int chunks, int held) {
            if (size < 0) return 0;
            if (held >= chunks) return size;
            return Math.min(size, (long) held * BlobHasher.CHUNK_SIZE);
        }
    }

    private final boolean terminal;
    private final String what;
    /** Recent (millis, bytes received) pairs, for the rate. */
    private final ArrayDeque<long[]> window = new ArrayDeque<>();
    private long start = -1;
    private long lastLine;
    private long lastHeld = -1;
    private int lastPeers = -1;
    /** Characters of the line on the terminal now, to blank what a shorter line leaves. */
    private int drawn;

    /**
     * @param terminal whether the user watches on a terminal
     * @param what the blob as named in the lines (a short id)
     */
    public TransferProgress(boolean terminal, String what) {
        this.terminal = terminal;
        this.what = what;
    }

    /** What to print for this sample (with its own {@code \r} or line end), or null when nothing is due. */
    public String update(long now, Sample s) {
        if (start < 0) start = now;
        window.addLast(new long[] {now, s.received()});
        while (window.size() > 2 && now - window.peekFirst()[0] > RATE_WINDOW_MILLIS) window.removeFirst();
        if (terminal) return redraw(bar(s) + "  " + line(now, s));
        boolean moved = s.held() != lastHeld || s.peers() != lastPeers;
        boolean due = lastHeld < 0
                || (moved && now - lastLine >= LINE_EVERY_MILLIS)
                || now - lastLine >= QUIET_LINE_EVERY_MILLIS;
        if (!due) return null;
        lastLine = now;
        lastHeld = s.held();
        lastPeers = s.peers();
        return line(now, s) + "\n";
    }

    /** The last thing to print: the blob is here. */
    public String done(long now, long size) {
        long took = start < 0 ? 0 : now - start;
        String text = "got " + what + ": " + Sizes.human(size)
                + (took >= 1_000 ? String.format(Locale.ROOT, " in %.1f s", took / 1000.0) : "");
        return (terminal ? redraw(text) : text) + "\n";
    }

    /** What to print before an error line, so it starts on a line of its own. */
    public String interrupted() {
        return terminal && drawn > 0 ? "\n" : "";
    }

    private String line(long now, TransferProgress.Sample s) {
        if (s.size() < 0 || (s.held() == 0 && s.peers() == 0)) {
            return "looking for peers that hold " + what + " (" + (now - start) / 1000 + " s)";
        }
        String peers = s.peers() == 1 ? "1 peer" : s.peers() + " peers";
        String rate = rate();
        return Sizes.human(s.held()) + " of " + Sizes.human(s.size()) + " from " + peers + (rate.isEmpty() ? "" : ", " + rate);
    }

    private String bar(Sample s) {
        if (s.size() <= 0) return "";
        int percent = Render.percent(s.held(), s.size());
        int filled = percent * BAR / 100;
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format(Locale.ROOT, "%3d%%", percent);
    }

    /** Bytes a second over the last few seconds; empty until there is half a second to measure. */
    private String rate() {
        if (window.size() < 2) return "";
        long[] first = window.peekFirst();
        long[] last = window.peekLast();
        long millis = last[0] - first[0];
        if (millis < 500) return "";
        return Sizes.human((last[1] - first[1]) * 1000 / millis) + "/s";
    }

    private String redraw(String text) {
        String line = text.strip();
        int pad = Math.max(0, drawn - line.length());
        drawn = line.length();
        return "\r" + line + " ".repeat(pad);
    }
}
