package org.grapevine.gossip.blobs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;

/** A simulated node: a {@link MemoryBlobStorage} and a {@link BlobSwarm} on the network's clock, recording its events. */
final class SwarmNode implements BlobSwarm.Events {
    private final String name;
    private final AuthorId id;
    private final MemoryBlobStorage storage;
    private final BlobSwarm swarm;
    private final List<BlobId> completed = new ArrayList<>();
    private final List<AuthorId> misbehaving = new ArrayList<>();
    private final List<String> misbehaviour = new ArrayList<>();
    private final Map<AuthorId, Integer> chunksFrom = new HashMap<>();

    SwarmNode(SwarmNet network, String name, MemoryBlobStorage storage, BlobSwarm.Config config) {
        this.name = name;
        this.id = FakePeer.idOf(name);
        this.storage = storage;
        this.swarm = new BlobSwarm(storage, network::now, config, this, new SplittableRandom(name.hashCode()));
    }

    /** Holds all of {@code blob}; returns its id. */
    BlobId seed(byte[] blob) {
        return storage.seed(blob);
    }

    @Override
    public void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes) {
        chunksFrom.merge(peer, 1, Integer::sum);
    }

    @Override
    public void completed(BlobId blob) {
        completed.add(blob);
    }

    @Override
    public void misbehaved(AuthorId peer, String reason) {
        misbehaving.add(peer);
        misbehaviour.add(reason);
    }

    /** Chunks this node took from {@code peer}. */
    int chunksFrom(SwarmNode peer) {
        return chunksFrom.getOrDefault(peer.id(), 0);
    }

    List<BlobId> completed() {
        return List.copyOf(completed);
    }

    List<AuthorId> misbehaving() {
        return List.copyOf(misbehaving);
    }

    List<String> misbehaviour() {
        return List.copyOf(misbehaviour);
    }

    byte[] bytes(BlobId blob) {
        return storage.bytes(blob);
    }

    String name() {
        return name;
    }

    AuthorId id() {
        return id;
    }

    MemoryBlobStorage storage() {
        return storage;
    }

    BlobSwarm swarm() {
        return swarm;
    }

    @Override
    public String toString() {
        return name;
    }
}
