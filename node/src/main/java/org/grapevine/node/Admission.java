package org.grapevine.node;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.grapevine.gossip.limits.Limits;
import org.grapevine.identity.AuthorId;

/**
 * Who may hold an inbound connection. Identities cost nothing to make, so slots go first to peers
 * that cost a Sybil something: people this node follows, and peers that delivered valid entries of
 * feeds it wants ("valued"). Strangers share {@link Limits#INBOUND_STRANGERS} slots; a valued peer
 * that finds every slot taken makes a stranger leave. Misbehaving ids are banned, and an address
 * from which misbehaving ids keep coming has its strangers refused for a while (valued peers
 * behind it, on the same LAN, still get in). Plain state on the node loop, time passed in.
 */
final class Admission {
    static final long BAN_MILLIS = 10 * 60_000;
    /** Misbehaving ids from one address within {@link #STRIKE_WINDOW_MILLIS} before its strangers are refused. */
    static final int STRIKES = 4;
    static final long STRIKE_WINDOW_MILLIS = 10 * 60_000;
    static final int REMEMBERED = 4_096;

    /** What becomes of an inbound connection: accepted (perhaps making {@code evict} leave), or refused and why. */
    record Verdict(boolean accepted, String refusal, AuthorId evict) {
        static Verdict accept(AuthorId evict) {
            return new Verdict(true, null, evict);
        }

        static Verdict refuse(String why) {
            return new Verdict(false, why, null);
        }
    }

    /** An inbound connection held now, in the order they were made. */
    record Held(AuthorId id, boolean valued) {}

    private final Map<AuthorId, Long> banned = new LinkedHashMap<>();
    private final Set<AuthorId> contributors = new LinkedHashSet<>();
    private final Map<InetAddress, Strikes> addresses = new LinkedHashMap<>();

    private static final class Strikes {
        int count;
        long windowStart;
        long refusedUntil;
        long refusal;
    }

    /** {@code id} sent what it cannot have sent in good faith, from {@code from} (null for our own dial). */
    void misbehaved(AuthorId id, InetAddress from, long now) {
        banned.remove(id);
        banned.put(id, now + BAN_MILLIS);
        trim(banned);
        if (from != null) strike(from, now);
    }

    boolean banned(AuthorId id, long now) {
        Long until = banned.get(id);
        return until != null && until > now;
    }

    /** {@code id} delivered valid entries of a feed this node wants. */
    void contributed(AuthorId id) {
        if (contributors.remove(id) || contributors.size() < REMEMBERED) {
            contributors.add(id);
            return;
        }
        Iterator<AuthorId> eldest = contributors.iterator();
        eldest.next();
        eldest.remove();
        contributors.add(id);
    }

    boolean contributor(AuthorId id) {
        return contributors.contains(id);
    }

    /**
     * Whether {@code id}, connecting from {@code from}, may hold an inbound slot, given the inbound
     * connections held now. {@code valued}: followed, or a contributor.
     */
    Verdict inbound(AuthorId id, InetAddress from, boolean valued, List<Held> held, long now) {
        if (banned(id, now)) {
            strike(from, now);
            return Verdict.refuse("sent invalid data earlier");
        }
        if (valued) {
            if (held.size() < Limits.INBOUND) return Verdict.accept(null);
            for (int i = held.size() - 1; i >= 0; i--) {
                if (!held.get(i).valued()) return Verdict.accept(held.get(i).id());
            }
            return Verdict.refuse("too many connections");
        }
        Strikes s = addresses.get(from);
        if (s != null && s.refusedUntil > now) return Verdict.refuse("too many misbehaving peers from " + from.getHostAddress());
        long strangers = held.stream().filter(h -> !h.valued()).count();
        if (strangers >= Limits.INBOUND_STRANGERS || held.size() >= Limits.INBOUND) return Verdict.refuse("too many connections");
        return Verdict.accept(null);
    }

    /** Whether strangers from {@code from} are being refused now. */
    boolean refusing(InetAddress from, long now) {
        Strikes s = addresses.get(from);
        return s != null && s.refusedUntil > now;
    }

    private void strike(InetAddress from, long now) {
        Strikes s = addresses.remove(from);
        if (s == null) s = new Strikes();
        addresses.put(from, s);
        trim(addresses);
        if (now - s.windowStart > STRIKE_WINDOW_MILLIS) {
            s.windowStart = now;
            s.count = 0;
        }
        if (++s.count < STRIKES) return;
        boolean again = s.refusedUntil > 0 && now - s.refusedUntil < Limits.REFUSE_MAX_MILLIS;
        s.refusal = again ? Math.min(Limits.REFUSE_MAX_MILLIS, 2 * s.refusal) : Limits.REFUSE_FIRST_MILLIS;
        s.refusedUntil = now + s.refusal;
        s.count = 0;
        s.windowStart = now;
    }

    private static <K, V> void trim(Map<K, V> map) {
        Iterator<K> eldest = map.keySet().iterator();
        while (map.size() > REMEMBERED) {
            eldest.next();
            eldest.remove();
        }
    }
}
