package org.grapevine.node.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.grapevine.node.api.ApiCodec;

/**
 * The control channel's framing (docs/LOCAL-API.md): a request is {@code MAGIC u32 | length u32 |
 * JSON}, its answer {@code length u32 | JSON}, one of each per connection.
 */
final class ControlFrames {
    /** What begins every request ("GVA1"), so that anything else that connects is refused at once. */
    static final int MAGIC = 0x47564131;
    private ControlFrames() {}

    static void write(DataOutputStream out, int magic, byte[] json) throws IOException {
        int max = magic == 0 ? ApiCodec.MAX_RESPONSE_BYTES : ApiCodec.MAX_REQUEST_BYTES;
        if (json.length > max) throw new IOException("local API message of " + json.length + " bytes exceeds " + max);
        if (magic != 0) out.writeInt(magic);
        out.writeInt(json.length);
        out.write(json);
        out.flush();
    }

    /** A request: the magic word, then the JSON. */
    static byte[] readRequest(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) throw new IOException(String.format("not a local API request (first word %08x)", magic));
        return readBody(in, ApiCodec.MAX_REQUEST_BYTES);
    }

    /** A message's JSON, refused unread when it says it is longer than {@code max}. */
    static byte[] readBody(DataInputStream in, int max) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > max) throw new IOException("local API message of " + len + " bytes exceeds " + max);
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }
}
