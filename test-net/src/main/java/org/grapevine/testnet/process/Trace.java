package org.grapevine.testnet.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;

/**
 * What a daemon in a test network tells its runner, one line per fact, appended to a file the
 * runner reads as it grows. Times are System.nanoTime, which on Linux is the machine's monotonic
 * clock and so comparable between processes.
 *
 * <pre>
 * start NANOS PORT                  the daemon listens on PORT and its control channel is up
 * recv NANOS FROM_ID ENTRY_ID...    a batch of entries arrived from FROM_ID
 * blob NANOS BLOB_ID                a watched blob is complete here
 * peers NANOS COUNT                 COUNT connections are open now
 * sent BYTES                        bytes written to sockets since the start
 * </pre>
 */
public final class Trace {
    private Trace() {}

    /** One line read back. */
    public sealed interface Event permits Started, Received, BlobComplete, Peers, Sent {}

    public record Started(long nanos, int port) implements Event {}

    public record Received(long nanos, AuthorId from, List<EntryId> entries) implements Event {}

    public record BlobComplete(long nanos, BlobId blob) implements Event {}

    public record Peers(long nanos, int count) implements Event {}

    public record Sent(long bytes) implements Event {}

    /** The daemon's end: appends lines, each written whole and at once. Thread-safe. */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;

        public Writer(Path file) throws IOException {
            out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        }

        public void started(int port) {
            line("start " + System.nanoTime() + " " + port);
        }

        public void received(AuthorId from, List<EntryId> entries) {
            StringBuilder b = new StringBuilder("recv ").append(System.nanoTime()).append(' ').append(from);
            for (EntryId id : entries) b.append(' ').append(id);
            line(b.toString());
        }

        public void blobComplete(BlobId blob) {
            line("blob " + System.nanoTime() + " " + blob);
        }

        public void peers(int count) {
            line("peers " + System.nanoTime() + " " + count);
        }

        public void sent(long bytes) {
            line("sent " + bytes);
        }

        private synchronized void line(String text) {
            try {
                out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // The runner has gone and taken the directory with it: nobody is left to tell.
            }
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }

    /** The runner's end: reads the lines added since the last call; a line not yet finished waits for the next. */
    public static final class Reader {
        /** A line longer than this is not from a daemon of ours (a batch holds at most a few thousand ids). */
        static final int MAX_LINE = 1 << 20;

        private final Path file;
        private long offset;
        private byte[] partial = new byte[0];

        public Reader(Path file) {
            this.file = file;
        }

        /**
         * The events appended since the last call.
         *
         * @throws IOException if the file cannot be read or holds a line that is not as written above
         */
        public List<Event> poll() throws IOException {
            List<Event> events = new ArrayList<>();
            if (!Files.exists(file)) return events;
            byte[] fresh;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size <= offset) return events;
                ByteBuffer b = ByteBuffer.allocate((int) Math.min(size - offset, 16 << 20));
                while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
                    // Reads until the buffer is full or the file ends.
                }
                fresh = new byte[b.position()];
                b.flip().get(fresh);
            }
            offset += fresh.length;
            byte[] all = new byte[partial.length + fresh.length];
            System.arraycopy(partial, 0, all, 0, partial.length);
            System.arraycopy(fresh, 0, all, partial.length, fresh.length);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != '\n') continue;
                events.add(parse(new String(all, start, i - start, StandardCharsets.UTF_8)));
                start = i + 1;
            }
            partial = Arrays.copyOfRange(all, start, all.length);
            if (partial.length > MAX_LINE) throw new IOException(file + ": a line longer than " + MAX_LINE + " bytes");
            return events;
        }

        private Event parse(String line) throws IOException {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "start":
                        count(f, 3);
                        int port = Integer.parseInt(f[2]);
                        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range");
                        return new Started(Long.parseLong(f[1]), port);
                    case "recv":
                        if (f.length < 3) throw new IllegalArgumentException("no sender");
                        List<EntryId> ids = new ArrayList<>();
                        for (int i = 3; i < f.length; i++) ids.add(EntryId.parse(f[i]));
                        return new Received(Long.parseLong(f[1]), AuthorId.parse(f[2]), ids);
                    case "blob":
                        count(f, 3);
                        return new BlobComplete(Long.parseLong(f[1]), BlobId.parse(f[2]));
                    case "peers":
                        count(f, 3);
                        int peers = Integer.parseInt(f[2]);
                        if (peers < 0) throw new IllegalArgumentException("negative count");
                        return new Peers(Long.parseLong(f[1]), peers);
                    case "sent":
                        count(f, 2);
                        long bytes = Long.parseLong(f[1]);
                        if (bytes < 0) throw new IllegalArgumentException("negative count");
                        return new Sent(bytes);
                    default:
                        throw new IllegalArgumentException("unknown kind of line");
                }
            } catch (RuntimeException e) {
                throw new IOException(file + ": unreadable trace line '" + abbreviate(line) + "': " + e.getMessage(), e);
            }
        }

        private static void count(String[] f, int n) {
            if (f.length != n) throw new IllegalArgumentException("expected " + n + " fields");
        }

        private static String abbreviate(String line) {
            return line.length() > 80 ? line.substring(0, 80) + "..." : line;
        }
    }
}
