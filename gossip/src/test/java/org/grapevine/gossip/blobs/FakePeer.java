package org.grapevine.gossip.blobs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** A peer that only records what the swarm hands it, for tests that play the other side by hand. */
final class FakePeer implements BlobPeer {
    private final String name;
    private final AuthorId id;
    private final List<WireMessage> sent = new ArrayList<>();
    private boolean writable = true;
    private WireMessage.Reason closeReason;
    private String closeDetail;

    FakePeer(String name) {
        this.name = name;
        this.id = idOf(name);
    }

    /** A made-up author id derived from a name. */
    static AuthorId idOf(String name) {
        try {
            return new AuthorId(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public AuthorId id() {
        return id;
    }

    @Override
    public void send(WireMessage message) {
        sent.add(message);
    }

    @Override
    public boolean writable() {
        return writable;
    }

    void setWritable(boolean writable) {
        this.writable = writable;
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        closeReason = reason;
        closeDetail = detail;
    }

    List<WireMessage> sent() {
        return List.copyOf(sent);
    }

    <T extends WireMessage> List<T> sent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (WireMessage m : sent) if (type.isInstance(m)) out.add(type.cast(m));
        return out;
    }

    void clear() {
        sent.clear();
    }

    boolean closed() {
        return closeReason != null;
    }

    WireMessage.Reason closeReason() {
        return closeReason;
    }

    String closeDetail() {
        return closeDetail;
    }

    @Override
    public String toString() {
        return name;
    }
}
