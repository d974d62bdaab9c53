package org.grapevine.node.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The control channel's framing (docs/LOCAL-API.md). A request is either a command line,
 * {@code count u32, then per argument length u32 + UTF-8}, or a local API request,
 * {@code API_REQUEST u32 | length u32 | JSON}. The answer is a run of frames
 * {@code kind u8 | length u32 | bytes}: for a command line any number of standard output and
 * standard error frames, in the order the command printed them; for an API request one result
 * frame holding the JSON response; and last the exit code.
 */
final class ControlFrames {
    static final int OUT = 1;
    static final int ERR = 2;
    static final int EXIT = 3;
    static final int RESULT = 4;
    /** What begins a local API request where a command line begins with its argument count ("GVA1"). */
    static final int API_REQUEST = 0x47564131;
    static final int MAX_ARGS = 256;
    static final int MAX_ARG_BYTES = 64 * 1024;
    static final int MAX_FRAME = 1 << 20;

    private ControlFrames() {}

    static void writeRequest(DataOutputStream out, List<String> args) throws IOException {
        out.writeInt(args.size());
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
        out.flush();
    }

    static List<String> readRequest(DataInputStream in) throws IOException {
        return readRequest(in, in.readInt());
    }

    /** The rest of a command line whose argument count {@code n} was read already. */
    static List<String> readRequest(DataInputStream in, int n) throws IOException {
        if (n < 0 || n > MAX_ARGS) throw new IOException("request with " + n + " arguments");
        List<String> args = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 0 || len > MAX_ARG_BYTES) throw new IOException("argument of " + len + " bytes");
            byte[] b = new byte[len];
            in.readFully(b);
            args.add(new String(b, StandardCharsets.UTF_8));
        }
        return args;
    }

    /** One frame as a buffer ready to write, so it leaves in one piece. */
    static ByteBuffer frame(int kind, byte[] bytes, int off, int len) {
        if (len > MAX_FRAME) throw new IllegalArgumentException("control frame of " + len + " bytes");
        ByteBuffer b = ByteBuffer.allocate(5 + len);
        b.put((byte) kind).putInt(len).put(bytes, off, len);
        return b.flip();
    }

    /** The body of an exit frame. */
    static byte[] exitCode(int code) {
        return ByteBuffer.allocate(4).putInt(code).array();
    }

    /** Reads one frame into {@code sink}; returns the exit code when the frame is the last one, else null. */
    static Integer readFrame(DataInputStream in, FrameSink sink) throws IOException {
        int kind;
        try {
            kind = in.readUnsignedByte();
        } catch (EOFException e) {
            throw new IOException("the daemon closed the control channel without an exit code");
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) throw new IOException("control frame of " + len + " bytes");
        byte[] b = new byte[len];
        in.readFully(b);
        switch (kind) {
            case OUT -> sink.out(b);
            case ERR -> sink.err(b);
            case RESULT -> sink.result(b);
            case EXIT -> {
                if (len != 4) throw new IOException("exit frame of " + len + " bytes");
                return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            }
            default -> throw new IOException("unknown control frame kind " + kind);
        }
        return null;
    }

    interface FrameSink {
        void out(byte[] bytes) throws IOException;

        void err(byte[] bytes) throws IOException;

        default void result(byte[] bytes) throws IOException {
            throw new IOException("a result frame answers a local API request only");
        }
    }

    static void writeApiRequest(DataOutputStream out, byte[] json) throws IOException {
        if (json.length > MAX_FRAME) throw new IOException("local API request of " + json.length + " bytes");
        out.writeInt(API_REQUEST);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }

    /** The JSON of a local API request whose first word was read already. */
    static byte[] readApiRequest(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_FRAME) throw new IOException("local API request of " + len + " bytes");
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
