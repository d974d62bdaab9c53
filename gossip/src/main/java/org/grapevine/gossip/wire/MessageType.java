package org.grapevine.gossip.wire;

/**
 * The type byte that begins every message (docs/PROTOCOL.md, "Messages"), and the message it
 * stands for. Node routes messages to the protocol that registered their type.
 */
public enum MessageType {
    CLOCK(1),
    ENTRIES(2),
    CAUGHT_UP(3),
    PEERS(4),
    PING(5),
    PONG(6),
    GOODBYE(7),
    BLOB_WANT(8),
    BLOB_HAVE(9),
    BLOB_GET(10),
    BLOB_CHUNK(11),
    BLOB_CANCEL(12),
    LOCATE(13),
    ROUTES(14),
    FORK_PROOF(15),
    /**
     * Any other byte: a message this codec does not parse ({@link WireMessage.Extension}), which
     * a protocol that claims its code handles and every other node ignores.
     */
    EXTENSION(-1);

    /** The first type byte of the range for extensions; below it, the bytes are this protocol's (16 to 127 for its later versions). */
    public static final int FIRST_EXTENSION = 128;

    private static final MessageType[] BY_BYTE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            if (t.code < 0) continue;
            if (BY_BYTE[t.code] != null) throw new ExceptionInInitializerError("two message types on byte " + t.code);
            BY_BYTE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The byte on the wire. */
    public int code() {
        return code;
    }

    /** The type a byte stands for, or null for one this node does not parse (an extension's, or a later version's). */
    public static MessageType forByte(int b) {
        return b >= 0 && b < BY_BYTE.length ? BY_BYTE[b] : null;
    }
}
