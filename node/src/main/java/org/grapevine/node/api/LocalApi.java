package org.grapevine.node.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.gossip.replication.Replicator;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.IdText;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.replication.Interest;
import org.grapevine.node.store.Indexes;
import org.grapevine.node.store.Store;
import org.grapevine.node.store.StoreException;

/**
 * The local API's answers: a running daemon's (reads from the store, writes through the node, on
 * its loop, the one writer of the user's log), or a store's alone when no daemon runs (what the
 * CLI uses then, in its own process). Every failure is a {@link ApiResponse.Failed} with a line
 * for the user; nothing a client sends can throw out of {@link #handle}.
 */
public final class LocalApi {
    /** Exit codes a client reports for a failure (as the CLI's). */
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final Store store;
    private final Home home;
    private final AuthorId self;
    /** Null when no node runs. */
    private final Node node;
    private final EntryViews entries;
    private final BlobCalls blobs;
    private final ChannelCalls channels;
    private final DmCalls dms;

    private LocalApi(Store store, Supplier<BlobStore> blobs, Home home, AuthorId self, Node node) {
        this.store = store;
        this.home = home;
        this.self = self;
        this.node = node;
        this.entries = new EntryViews(store, blobs, self);
        this.blobs = new BlobCalls(store, blobs, self, node);
        this.channels = new ChannelCalls(node);
        this.dms = new DmCalls(node, store, channels);
    }

    /** The answers of a daemon whose node is {@code node}. */
    public static LocalApi daemon(Node node, Store store, Home home) {
        return new LocalApi(store, node::blobFiles, home, node.id(), node);
    }

    /** The answers of a home's store and blob files (opened when first needed) when no daemon runs. */
    public static LocalApi storeOnly(Store store, Supplier<BlobStore> blobs, Home home, AuthorId self) {
        return new LocalApi(store, blobs, home, self, null);
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
            if (request instanceof ApiRequest.Nearby) return nearby();
            if (request instanceof ApiRequest.Person p) {
                AuthorId who = AuthorId.parse(p.author());
                return new ApiResponse.PersonView(who.toString(), name(who), store.indexes().follows(self, who), store.indexes().blocks(self, who));
            }
            if (request instanceof ApiRequest.ResolveAuthor r) return resolveAuthor(r.text() == null ? "" : r.text().strip());
            if (request instanceof ApiRequest.Publish p) {
                if (node == null) return new ApiResponse.Failed("publishing through the local API needs a running daemon", FAILURE);
                return publish(p);
            }
            if (request instanceof ApiRequest.Feed f) return entries.feed(f);
            if (request instanceof ApiRequest.Thread t) return entries.thread(t);
            if (request instanceof ApiRequest.Log l) return entries.log(l);
            if (request instanceof ApiRequest.GetEntry g) return entries.one(g);
            if (request instanceof ApiRequest.AddBlobs a) return blobs.add(a);
            if (request instanceof ApiRequest.Blobs) return blobs.list();
            if (request instanceof ApiRequest.BlobStatus b) return blobs.status(b);
            if (request instanceof ApiRequest.FetchBlob f) return blobs.fetch(f);
            if (request instanceof ApiRequest.RemoveBlob r) return blobs.remove(r);
            if (request instanceof ApiRequest.Invite) return reachable();
            if (request instanceof ApiRequest.AddPeer a) return addPeer(a);
            if (request instanceof ApiRequest.ChannelCreate c) return channels.create(c);
            if (request instanceof ApiRequest.ChannelInvite c) return channels.invite(c);
            if (request instanceof ApiRequest.ChannelJoin c) return channels.join(c);
            if (request instanceof ApiRequest.ChannelList) return channels.list();
            if (request instanceof ApiRequest.ChannelFeed c) return channels.feed(c);
            if (request instanceof ApiRequest.ChannelPost c) return channels.post(c, blobs);
            if (request instanceof ApiRequest.ChannelMembers c) return channels.members(c);
            if (request instanceof ApiRequest.ChannelLeave c) return channels.leave(c);
            if (request instanceof ApiRequest.ChannelRole c) return channels.role(c);
            if (request instanceof ApiRequest.ChannelRemove c) return channels.remove(c);
            if (request instanceof ApiRequest.ChannelHide c) return channels.hide(c);
            if (request instanceof ApiRequest.DmSend d) return dms.send(d, blobs);
            if (request instanceof ApiRequest.DmList d) return dms.list(d);
            if (request instanceof ApiRequest.DmShow d) return dms.show(d);
            if (request instanceof ApiRequest.DmAccept d) return dms.accept(d);
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
        var about = store.indexes().about(self);
        return new ApiResponse.Me(self.toString(), about.map(Content.About::name).orElse(null),
                about.map(Content.About::description).orElse(null),
                about.map(Content.About::avatar).map(Object::toString).orElse(null), store.headSeq(self));
    }

    private ApiResponse peers() {
        List<ApiResponse.Peer> out = new ArrayList<>();
        Map<String, ApiResponse.Name> names = new LinkedHashMap<>();
        for (Node.PeerInfo p : node != null ? await(node.peers()) : Node.knownPeers(home)) {
            out.add(new ApiResponse.Peer(p.id() == null ? null : p.id().toString(), p.address(), p.outbound(), p.connected(),
                    p.lastSeen(), p.source()));
            if (p.id() != null) names.put(p.id().toString(), name(p.id()));
        }
        return new ApiResponse.PeerList(node != null, out, names);
    }

    private ApiResponse nearby() {
        if (node == null) return new ApiResponse.Failed("nearby lists whom the running daemon met on the LAN: start 'grapevine daemon' first", FAILURE);
        List<ApiResponse.Met> out = new ArrayList<>();
        Map<String, ApiResponse.Name> names = new LinkedHashMap<>();
        for (Node.Nearby n : await(node.nearby())) {
            out.add(new ApiResponse.Met(n.id() == null ? null : n.id().toString(), n.address(), n.firstSeen(), n.lastSeen(), n.connected(),
                    n.id() != null && store.indexes().follows(self, n.id())));
            if (n.id() != null) names.put(n.id().toString(), name(n.id()));
        }
        return new ApiResponse.NearbyList(out, names);
    }

    private ApiResponse sync() {
        List<Replicator.FeedSync> feeds;
        if (node != null) {
            feeds = await(node.sync());
        } else {
            feeds = new ArrayList<>();
            for (AuthorId f : Interest.feeds(store.indexes(), self, Interest.DEFAULT_HOPS)) {
                long seq = store.headSeq(f);
                feeds.add(new Replicator.FeedSync(f, seq, seq, false));
            }
        }
        List<ApiResponse.Feed> out = new ArrayList<>();
        Map<String, ApiResponse.Name> names = new LinkedHashMap<>();
        for (Replicator.FeedSync f : feeds) {
            out.add(new ApiResponse.Feed(f.feed().toString(), f.local(), f.bestSeen(), node != null && f.caughtUp(),
                    store.indexes().follows(self, f.feed())));
            names.put(f.feed().toString(), name(f.feed()));
        }
        return new ApiResponse.SyncList(node != null, out, names);
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
        if (node != null) await(node.setPetname(author, name));
        else store.indexes().setPetname(author, name);
        return new ApiResponse.Done();
    }

    private ApiResponse resolveAuthor(String s) {
        if (s.startsWith("@")) {
            if (s.length() == 1 + IdText.BODY_CHARS) return new ApiResponse.Resolved(AuthorId.parse(s).toString());
            if (s.length() < 5) return new ApiResponse.Failed("id prefix '" + s + "' is too short: give at least 4 characters after '@'", USAGE);
            IdText.Prefix prefix = IdText.parsePrefix(IdText.Kind.AUTHOR, s);
            Set<AuthorId> found = new LinkedHashSet<>(store.authorsWithPrefix(prefix, 2));
            if (node != null) {
                for (Node.Nearby near : await(node.nearby())) {
                    if (near.id() != null && prefix.matches(near.id().bytes())) found.add(near.id());
                }
            }
            if (found.isEmpty()) return new ApiResponse.Failed("no known author's id starts with " + s, FAILURE);
            if (found.size() > 1) return new ApiResponse.Failed("several known authors' ids start with " + s + ": type more of it", FAILURE);
            return new ApiResponse.Resolved(found.iterator().next().toString());
        }
        for (Map.Entry<AuthorId, String> e : store.indexes().petnames().entrySet()) {
            if (e.getValue().equals(s)) return new ApiResponse.Resolved(e.getKey().toString());
        }
        return new ApiResponse.Failed("'" + s + "' is neither an id (starting with '@') nor one of your petnames", USAGE);
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
        return new ApiResponse.Published(entry.id().toString(), entry.header().seq(), Base64.getEncoder().encodeToString(entry.encode()));
    }

    private ApiResponse reachable() {
        if (node == null) throw new IllegalStateException("an invite names the address a running daemon listens on: start 'grapevine daemon' first");
        InetSocketAddress listen = node.listenAddress();
        return new ApiResponse.Reachable(self.toString(), listen.getHostString(), listen.getPort(),
                listen.getAddress().isAnyLocalAddress(), node.config().network().name());
    }

    private ApiResponse addPeer(ApiRequest.AddPeer a) {
        PeerAddress address = PeerAddress.parse(a.address() == null ? "" : a.address());
        if (node == null) {
            try {
                Node.rememberPeer(home, address, PeerTable.Source.INVITE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot remember " + address.endpoint() + ": " + e.getMessage());
            }
            return new ApiResponse.PeerAdded(false);
        }
        String running = node.config().network().name();
        if (!running.equals(a.network())) {
            throw new IllegalStateException("the invite is for network '" + a.network() + "' but the daemon runs '"
                    + running + "': restart it with --network " + a.network());
        }
        node.addPeer(address, PeerTable.Source.INVITE);
        return new ApiResponse.PeerAdded(true);
    }

    private ApiResponse.Name name(AuthorId author) {
        return name(store, author);
    }

    /** How the user knows {@code author}: a petname and the name they declare, each if any. */
    static ApiResponse.Name name(Store store, AuthorId author) {
        return new ApiResponse.Name(store.indexes().petname(author).orElse(null),
                store.indexes().about(author).map(Content.About::name).orElse(null));
    }

    static <T> T await(Future<T> future) {
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
