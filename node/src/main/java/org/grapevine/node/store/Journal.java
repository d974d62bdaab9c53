package org.grapevine.node.store;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The store's redo file: every change the store commits is first appended here and forced to disk.
 * MapDB's transactions keep a crash between commits harmless, but a process killed while a commit
 * is being copied into the main file can leave it torn, and MapDB has no replay to repair it. The
 * store therefore treats its MapDB file as a cache of this journal: after a clean close the journal
 * ends with a {@link #CLOSE} record and the file is trusted; otherwise the file is rebuilt from the
 * journal.
 *
 * <p>Format: the magic {@code GVJ1}, then records of {@code type u8 | length u32 | payload |
 * crc32c u32}, the checksum over type, length and payload. Reading stops at the first record that
 * is short, too long, of an unknown type, or fails its checksum: that is the tail a crash left
 * half-written, never acknowledged, and it is cut off before anything is appended.
 */
final class Journal implements AutoCloseable {
    static final byte ENTRY = 1;
    static final byte FORK = 2;
    static final byte PETNAME = 3;
    static final byte CLOSE = 4;
    /** A blob's record: its id, then its state; the id alone removes it. */
    static final byte BLOB = 5;
    private static final byte LAST_TYPE = BLOB;
    /** Larger than any entry, fork proof or petname record. */
    static final int MAX_PAYLOAD = 64 * 1024;
    private static final byte[] MAGIC = {'G', 'V', 'J', '1'};
    private static final int OVERHEAD = 1 + 4 + 4;

    record Record(byte type, byte[] payload) {}

    /** What a scan found: how many bytes hold whole records, and whether the last one is CLOSE. */
    record Scan(long validLength, boolean closedCleanly, long records) {}

    interface Reader {
        void accept(Record record);
    }

    private final Path path;
    private final FileChannel channel;
    private final boolean durable;
    private ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

    private Journal(Path path, FileChannel channel, boolean durable) {
        this.path = path;
        this.channel = channel;
        this.durable = durable;
    }

    /**
     * Opens {@code path} for appending after its first {@code validLength} bytes, cutting off a torn
     * tail and a final CLOSE record, or creates it when it does not exist.
     */
    static Journal openForAppend(Path path, Scan scan) throws IOException {
        return openForAppend(path, scan, true);
    }

    /** As {@link #openForAppend(Path, Scan)}; a journal that is not {@code durable} never forces its writes. */
    static Journal openForAppend(Path path, Scan scan, boolean durable) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long keep = scan == null ? 0 : scan.validLength() - (scan.closedCleanly() ? OVERHEAD : 0);
            if (keep < MAGIC.length) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(MAGIC), 0);
                keep = MAGIC.length;
            } else if (channel.size() > keep) {
                channel.truncate(keep);
            }
            channel.force(true);
            channel.position(keep);
            return new Journal(path, channel, durable);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads every whole record of the journal at {@code path} in order. */
    static Scan read(Path path, Reader reader) throws IOException {
        try (InputStream raw = Files.newInputStream(path);
             DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 256 * 1024))) {
            byte[] magic = new byte[MAGIC.length];
            try {
                in.readFully(magic);
            } catch (EOFException e) {
                return new Scan(0, false, 0);
            }
            if (!Arrays.equals(magic, MAGIC)) throw new IOException("journal " + path + " does not start with GVJ1");
            long offset = MAGIC.length;
            long records = 0;
            boolean closed = false;
            CRC32C crc = new CRC32C();
            while (true) {
                int type = in.read();
                if (type < 0) break;
                int length;
                byte[] payload;
                int stored;
                try {
                    length = in.readInt();
                    if (type < ENTRY || type > LAST_TYPE || length < 0 || length > MAX_PAYLOAD) break;
                    if (type == CLOSE && length != 0) break; // a close mark is empty: opening cuts exactly its 9 bytes
                    payload = new byte[length];
                    in.readFully(payload);
                    stored = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                crc.reset();
                crc.update(type);
                crc.update(ByteBuffer.allocate(4).putInt(0, length));
                crc.update(payload);
                if ((int) crc.getValue() != stored) break;
                offset += OVERHEAD + length;
                records++;
                closed = type == CLOSE;
                if (!closed) reader.accept(new Record((byte) type, payload));
            }
            return new Scan(offset, closed, records);
        }
    }

    /** Queues a record; it reaches the file with the next {@link #flush}. */
    void add(byte type, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) throw new IllegalArgumentException("journal record of " + payload.length + " bytes");
        if (pending.remaining() < OVERHEAD + payload.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + OVERHEAD + payload.length));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        put(pending, type, payload);
    }

    private static void put(ByteBuffer out, byte type, byte[] payload) {
        int start = out.position();
        out.put(type).putInt(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), start, 1 + 4 + payload.length);
        out.putInt((int) crc.getValue());
    }

    /** Writes the queued records and forces them to disk. */
    void flush() throws IOException {
        if (pending.position() == 0) return;
        pending.flip();
        while (pending.hasRemaining()) channel.write(pending);
        pending.clear();
        if (durable) channel.force(false);
    }

    /** Bytes written to the file so far (queued records not counted). */
    long length() {
        try {
            return channel.position();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Cuts the file back to {@code length} bytes, undoing records written since (their transaction
     * failed). False if that failed too (or the length is unknown).
     */
    boolean truncate(long length) {
        pending.clear();
        if (length < MAGIC.length) return false;
        try {
            channel.truncate(length);
            channel.position(length);
            if (durable) channel.force(false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Drops the queued records (the transaction they belonged to was rolled back). */
    void discard() {
        pending.clear();
        if (pending.capacity() > 1024 * 1024) pending = ByteBuffer.allocate(64 * 1024);
    }

    /** Appends CLOSE, forces it and closes the file. */
    void closeCleanly() throws IOException {
        discard();
        add(CLOSE, new byte[0]);
        flush();
        channel.close();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    Path path() {
        return path;
    }

    /**
     * Replaces the journal at {@code path} with {@code records}: written to a temporary file,
     * forced, then moved over the old one, so a crash leaves either the old or the new journal.
     */
    static void replace(Path path, Iterable<Record> records) throws IOException {
        Path temp = path.resolveSibling(path.getFileName() + ".new");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
            buffer.put(MAGIC);
            for (Record r : records) {
                if (buffer.remaining() < OVERHEAD + r.payload().length) {
                    drain(out, buffer);
                }
                put(buffer, r.type(), r.payload());
            }
            drain(out, buffer);
            out.force(true);
        }
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(path.toAbsolutePath().getParent());
    }

    private static void drain(FileChannel out, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) out.write(buffer);
        buffer.clear();
    }

    /** Makes a rename durable; a no-op where directories cannot be opened. */
    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Not supported on this platform; the rename is still atomic.
        }
    }
}
