package org.grapevine.gossip.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.blobs.BlobPeer;
import org.grapevine.gossip.replication.PeerLink;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/**
 * A peer that only records what it is handed (by a replicator as its {@link PeerLink}, by a swarm
 * as its {@link BlobPeer}), for tests that play the other side by hand.
 */
public final class RecordingPeer implements PeerLink, BlobPeer {
    private final String name;
    private final AuthorId id;
    private final List<WireMessage> sent = new ArrayList<>();
    private boolean writable = true;
    private WireMessage.Reason closeReason;
    private String closeDetail;

    public RecordingPeer(String name) {
        this.name = name;
        this.id = idOf(name);
    }

    public RecordingPeer(AuthorId id) {
        this.name = id.toString();
        this.id = id;
    }

    /** A made-up author id derived from a name. */
    public static AuthorId idOf(String name) {
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

    public void setWritable(boolean writable) {
        this.writable = writable;
    }

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        closeReason = reason;
        closeDetail = detail;
    }

    public List<WireMessage> sent() {
        return List.copyOf(sent);
    }

    public <T extends WireMessage> List<T> sent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (WireMessage m : sent) if (type.isInstance(m)) out.add(type.cast(m));
        return out;
    }

    public void clear() {
        sent.clear();
    }

    /** What was sent of one type, in order; everything sent is forgotten. */
    public <T extends WireMessage> List<T> take(Class<T> type) {
        List<T> out = sent(type);
        sent.clear();
        return out;
    }

    public boolean closed() {
        return closeReason != null;
    }

    public WireMessage.Reason closeReason() {
        return closeReason;
    }

    public String closeDetail() {
        return closeDetail;
    }

    @Override
    public String toString() {
        return name;
    }
}
