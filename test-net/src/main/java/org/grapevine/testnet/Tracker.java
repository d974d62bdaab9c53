package org.grapevine.testnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Node;

/**
 * What the test network watches: every post and direct message made by a scenario, when each node first received it,
 * from whom (so how many hops it travelled), and how many copies arrived in all. Fed by each
 * node's {@link Node.Observer} on the nodes' own threads, or from the traces of daemon processes.
 */
final class Tracker {
    /** One tracked post: who wrote it and when, and where it has arrived. */
    static final class Post {
        final EntryId id;
        final int author;
        final long postedNanos;
        final BlobId blob;
        /** For a channel post, the scenario's name of its channel; null for a public post. */
        final String channel;
        /** For a channel post, the nodes that are its channel's members when it is posted; null for a public post. */
        final java.util.Set<Integer> members;
        /** For a direct message, the node it is for; −1 for a post. */
        final int recipient;
        /** Node index → System.nanoTime of the first copy to arrive there. */
        final Map<Integer, Long> arrived = new ConcurrentHashMap<>();
        /** Node index → hops from the author along the path of its first copy. */
        final Map<Integer, Integer> hops = new ConcurrentHashMap<>();
        /** Copies that reached nodes other than the author. */
        final AtomicInteger copies = new AtomicInteger();
        /** Copies that came back to the author. */
        final AtomicInteger echoes = new AtomicInteger();

        Post(EntryId id, int author, long postedNanos, BlobId blob, String channel, java.util.Set<Integer> members, int recipient) {
            this.id = id;
            this.author = author;
            this.postedNanos = postedNanos;
            this.blob = blob;
            this.channel = channel;
            this.members = members == null ? null : java.util.Set.copyOf(members);
            this.recipient = recipient;
            hops.put(author, 0);
        }
    }

    private final Map<EntryId, Post> posts = new ConcurrentHashMap<>();
    private final List<Post> order = new ArrayList<>();
    private final Map<AuthorId, Integer> nodeOf = new ConcurrentHashMap<>();

    void node(AuthorId id, int index) {
        nodeOf.put(id, index);
    }

    /** Node {@code author} posted {@code id} at {@code postedNanos} (System.nanoTime), attaching {@code blob} or null. */
    synchronized void posted(EntryId id, int author, BlobId blob, long postedNanos) {
        posted(id, author, blob, postedNanos, null, null);
    }

    /** As {@link #posted(EntryId, int, BlobId, long)}, for a post into the channel {@code channel} whose members are {@code members}. */
    synchronized void posted(EntryId id, int author, BlobId blob, long postedNanos, String channel, java.util.Set<Integer> members) {
        Post p = new Post(id, author, postedNanos, blob, channel, members, -1);
        posts.put(id, p);
        order.add(p);
    }

    /** Node {@code from} sent node {@code to} the direct message {@code id} at {@code sentNanos}; kept apart from the posts. */
    synchronized Post messaged(EntryId id, int from, int to, long sentNanos) {
        Post p = new Post(id, from, sentNanos, null, null, null, to);
        posts.put(id, p);
        return p;
    }

    /** The posts (public and channel), in order; direct messages are not among them. */
    synchronized List<Post> posts() {
        return List.copyOf(order);
    }

    /** The observer for node {@code index}. */
    Node.Observer observerFor(int index) {
        return (from, entries) -> received(index, from, entries.stream().map(Entry::id).toList(), System.nanoTime());
    }

    /** Node {@code index} received {@code entries} from {@code from} at {@code nanos} (System.nanoTime). */
    void received(int index, AuthorId from, List<EntryId> entries, long nanos) {
        Integer sender = nodeOf.get(from);
        for (EntryId id : entries) {
            Post p = posts.get(id);
            if (p == null) continue;
            if (index == p.author) {
                p.echoes.incrementAndGet();
                continue;
            }
            p.copies.incrementAndGet();
            if (p.arrived.putIfAbsent(index, nanos) == null) {
                Integer before = sender == null ? null : p.hops.get(sender);
                p.hops.put(index, before == null ? 1 : before + 1);
            }
        }
    }
}
