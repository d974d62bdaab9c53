package org.grapevine.gossip.replication;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/** A peer's link that keeps what it is sent, for tests of replication's parts on their own. */
final class RecordingLink implements PeerLink {
    private final AuthorId id;
    final List<WireMessage> sent = new ArrayList<>();
    boolean writable = true;
    String closed;

    RecordingLink(AuthorId id) {
        this.id = id;
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

    @Override
    public void close(WireMessage.Reason reason, String detail) {
        closed = reason + ": " + detail;
    }

    /** What was sent of one type, in order; the list is cleared of everything. */
    <T extends WireMessage> List<T> take(Class<T> type) {
        List<T> out = sent.stream().filter(type::isInstance).map(type::cast).toList();
        sent.clear();
        return out;
    }
}
