package org.grapevine.node.api;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Node;
import org.grapevine.node.store.Indexes;
import org.grapevine.node.store.Store;
import org.grapevine.node.store.StoreException;

/**
 * The local API as a running node answers it: reads from the store, writes through the node (on
 * its loop, the one writer of the user's log). Every failure is a {@link ApiResponse.Failed} with a
 * line for the user; nothing a client sends can throw out of {@link #handle}.
 */
public final class NodeApi {
    /** Exit codes a client reports for a failure (as the CLI's). */
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final Node node;
    private final Store store;

    public NodeApi(Node node, Store store) {
        this.node = node;
        this.store = store;
    }

    /** Decodes a request, answers it, encodes the answer. */
    public byte[] handle(byte[] request) {
        ApiResponse response;
        try {
            response = handle(ApiCodec.decodeRequest(request));
        } catch (Malformed e) {
            response = new ApiResponse.Failed(e.getMessage(), USAGE);
        }
        return ApiCodec.encode(response);
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            if (request instanceof ApiRequest.Whoami) return whoami();
            if (request instanceof ApiRequest.Peers) return peers();
            if (request instanceof ApiRequest.Sync) return sync();
            if (request instanceof ApiRequest.SetPetname p) return setPetname(p);
            if (request instanceof ApiRequest.Publish p) return publish(p);
            return new ApiResponse.Failed("this node does not know the request " + request, USAGE);
        } catch (IllegalArgumentException e) { // a bad id among them
            return new ApiResponse.Failed(e.getMessage(), USAGE);
        } catch (StoreException | IllegalStateException e) {
            return new ApiResponse.Failed(e.getMessage(), FAILURE);
        } catch (RuntimeException e) {
            return new ApiResponse.Failed("the node could not do it: " + e, FAILURE);
        }
    }

    private ApiResponse whoami() {
        AuthorId self = node.id();
        var about = store.indexes().about(self);
        return new ApiResponse.Me(self.toString(), about.map(Content.About::name).orElse(""),
                about.map(Content.About::description).orElse(""), store.headSeq(self));
    }

    private ApiResponse peers() {
        List<ApiResponse.Peer> out = new ArrayList<>();
        for (Node.PeerInfo p : await(node.peers())) {
            out.add(new ApiResponse.Peer(p.id() == null ? null : p.id().toString(), p.id() == null ? "" : shown(p.id()),
                    p.address(), p.outbound(), p.connected(), p.lastSeen(), p.source()));
        }
        return new ApiResponse.PeerList(out);
    }

    private ApiResponse sync() {
        List<ApiResponse.Feed> out = new ArrayList<>();
        for (Replicator.FeedSync f : await(node.sync())) {
            out.add(new ApiResponse.Feed(f.feed().toString(), shown(f.feed()), f.local(), f.bestSeen(), f.caughtUp()));
        }
        return new ApiResponse.SyncList(out);
    }

    private ApiResponse setPetname(ApiRequest.SetPetname p) {
        AuthorId author = AuthorId.parse(p.author());
        String name = p.name() == null ? "" : p.name().strip();
        Indexes.checkPetname(name);
        for (var e : store.indexes().petnames().entrySet()) {
            if (!name.isEmpty() && e.getValue().equals(name) && !e.getKey().equals(author)) {
                return new ApiResponse.Failed("the petname '" + name + "' is already yours for " + e.getKey(), FAILURE);
            }
        }
        await(node.setPetname(author, name));
        return new ApiResponse.Done();
    }

    private ApiResponse publish(ApiRequest.Publish p) {
        byte[] body;
        try {
            body = Base64.getDecoder().decode(p.body() == null ? "" : p.body());
        } catch (IllegalArgumentException e) {
            return new ApiResponse.Failed("the body is not base64", USAGE);
        }
        Content content;
        try {
            content = ContentCodec.decode(p.type(), body);
        } catch (Malformed e) {
            return new ApiResponse.Failed("not a valid body of content type " + p.type() + ": " + e.getMessage(), USAGE);
        }
        Entry entry = await(node.publish(content));
        return new ApiResponse.Published(entry.id().toString(), entry.header().seq());
    }

    /** How people see {@code author} here: a petname, else the name they declare, else nothing. */
    private String shown(AuthorId author) {
        return store.indexes().petname(author).orElseGet(() -> store.indexes().about(author).map(Content.About::name).orElse(""));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            throw new StoreException(String.valueOf(cause));
        }
    }
}
