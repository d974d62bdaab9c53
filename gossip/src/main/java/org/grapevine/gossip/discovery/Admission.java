package org.grapevine.gossip.discovery;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.gossip.limits.Lru;
import org.grapevine.gossip.limits.Strikes;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;

/**
 * Who may hold an inbound connection. Identities cost nothing to make, so slots go first to peers
 * that cost a Sybil something: people this node follows, and peers that delivered valid entries of
 * feeds it wants ("valued"). Strangers share {@link Limits#INBOUND_STRANGERS} slots; a valued peer
 * that finds every slot taken makes a stranger leave. Misbehaving ids are banned, and an address
 * from which misbehaving ids keep coming has its strangers refused for a while (valued peers
 * behind it, on the same LAN, still get in). Plain state on the node loop, time passed in.
 */
public final class Admission {
    /** What becomes of an inbound connection: accepted (perhaps making {@code evict} leave), or refused and why. */
    public record Verdict(boolean accepted, WireMessage.Reason reason, String refusal, AuthorId evict) {
        static Verdict accept(AuthorId evict) {
            return new Verdict(true, null, null, evict);
        }

        static Verdict refuse(WireMessage.Reason reason, String why) {
            return new Verdict(false, reason, why, null);
        }
    }

    /** An inbound connection held now, in the order they were made. */
    public record Held(AuthorId id, boolean valued) {}

    private final Map<AuthorId, Long> banned = new Lru<>(Limits.REMEMBERED);
    private final Map<AuthorId, Boolean> contributors = new Lru<>(Limits.REMEMBERED, true);
    private final Map<InetAddress, Strikes> addresses = new Lru<>(Limits.REMEMBERED, true);

    /** {@code id} sent what it cannot have sent in good faith, from {@code from} (null for our own dial). */
    public void misbehaved(AuthorId id, InetAddress from, long now) {
        banned.remove(id);
        banned.put(id, now + Limits.BAN_MILLIS);
        if (from != null) strike(from, now);
    }

    public boolean banned(AuthorId id, long now) {
        Long until = banned.get(id);
        return until != null && until > now;
    }

    /** {@code id} delivered valid entries of a feed this node wants. */
    public void contributed(AuthorId id) {
        contributors.put(id, Boolean.TRUE);
    }

    public boolean contributor(AuthorId id) {
        return contributors.containsKey(id);
    }

    /**
     * Whether {@code id}, connecting from {@code from}, may hold an inbound slot, given the inbound
     * connections held now. {@code valued}: followed, or a contributor.
     */
    public Verdict inbound(AuthorId id, InetAddress from, boolean valued, List<Held> held, long now) {
        if (banned(id, now)) {
            strike(from, now);
            return Verdict.refuse(WireMessage.Reason.PROTOCOL, "sent invalid data earlier");
        }
        if (valued) {
            if (held.size() < Limits.INBOUND) return Verdict.accept(null);
            for (int i = held.size() - 1; i >= 0; i--) {
                if (!held.get(i).valued()) return Verdict.accept(held.get(i).id());
            }
            return Verdict.refuse(WireMessage.Reason.TOO_MANY_PEERS, "too many connections");
        }
        if (refusing(from, now)) {
            return Verdict.refuse(WireMessage.Reason.TOO_MANY_PEERS, "too many misbehaving peers from " + from.getHostAddress());
        }
        long strangers = held.stream().filter(h -> !h.valued()).count();
        if (strangers >= Limits.INBOUND_STRANGERS || held.size() >= Limits.INBOUND) {
            return Verdict.refuse(WireMessage.Reason.TOO_MANY_PEERS, "too many connections");
        }
        return Verdict.accept(null);
    }

    /** Whether strangers from {@code from} are being refused now. */
    boolean refusing(InetAddress from, long now) {
        Strikes s = addresses.get(from);
        return s != null && s.refusing(now);
    }

    private void strike(InetAddress from, long now) {
        addresses.computeIfAbsent(from, a -> new Strikes(Limits.MISBEHAVING_PER_ADDRESS, Limits.MISBEHAVING_WINDOW_MILLIS,
                Limits.REFUSE_FIRST_MILLIS, Limits.REFUSE_MAX_MILLIS)).strike(now);
    }
}
