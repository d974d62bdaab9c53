package org.grapevine.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.grapevine.gossip.discovery.Locator;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.node.protocol.Protocol;

/**
 * The address protocol: a new connection is told the addresses this node knows first-hand;
 * Peers messages feed the peer table; Locate asks where an author can be reached, and is
 * answered from the table. When to ask is {@link Locator}'s call.
 */
final class AddressExchange implements Protocol {
    private final AuthorId self;
    private final PeerTable table;
    private final Locator locator;
    private final Map<AuthorId, PeerChannel> connected;

    AddressExchange(AuthorId self, PeerTable table, Locator locator, Map<AuthorId, PeerChannel> connected) {
        this.self = self;
        this.table = table;
        this.locator = locator;
        this.connected = connected;
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.PEERS, MessageType.LOCATE);
    }

    @Override
    public void connected(PeerChannel peer) {
        AuthorId to = peer.id();
        peer.send(new WireMessage.Peers(sendable(table.firstHand(WireMessage.MAX_PEERS).stream()
                .filter(a -> !to.equals(a.expected())).toList())));
    }

    @Override
    public void received(PeerChannel peer, WireMessage message, Runnable done) {
        try {
            if (message instanceof WireMessage.Peers p) {
                for (WireMessage.PeerAddress a : p.peers()) {
                    // Only literal addresses: a host name would mean a blocking lookup on this thread.
                    if (self.equals(a.id()) || !isIpLiteral(a.host())) continue;
                    table.learn(new PeerAddress(a.host(), a.port(), a.id()), PeerTable.Source.EXCHANGE, peer.id(),
                            locator.solicited(peer.id(), a.id()));
                }
            } else if (message instanceof WireMessage.Locate l) {
                // A few answers per peer and tick: each costs a look through the table.
                if (!locator.mayAnswer(peer.id())) return;
                List<WireMessage.PeerAddress> found = sendable(table.addressesOf(l.author(), Locator.ANSWERS));
                if (!found.isEmpty()) peer.send(new WireMessage.Peers(found));
            }
        } finally {
            done.run();
        }
    }

    /** Asks connected peers where the authors of {@code unserved} feeds can be reached, as far as the locator says is due. */
    void locate(Set<AuthorId> unserved, Set<AuthorId> wanted, long now) {
        for (Locator.Ask ask : locator.due(unserved, wanted, connected.keySet(), table::mayReach, now)) {
            for (AuthorId p : ask.peers()) connected.get(p).send(new WireMessage.Locate(ask.author()));
        }
    }

    /** A tick passed: peers may have Locates answered again. */
    void newTick() {
        locator.newTick();
    }

    /** When this node last asked where {@code author} is, and when it may again. */
    Optional<String> explain(AuthorId author, long now) {
        return locator.explain(author, now);
    }

    /** The addresses as Peers carries them, leaving out any it cannot. */
    private static List<WireMessage.PeerAddress> sendable(List<PeerAddress> addresses) {
        List<WireMessage.PeerAddress> out = new ArrayList<>();
        for (PeerAddress a : addresses) {
            try {
                out.add(new WireMessage.PeerAddress(a.host(), a.port(), a.expected()));
            } catch (IllegalArgumentException skip) {
                // Not sendable (a host name too long): keep it to ourselves.
            }
        }
        return out;
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") || (host.contains(":") && host.matches("[0-9a-fA-F:.]+"));
    }
}
