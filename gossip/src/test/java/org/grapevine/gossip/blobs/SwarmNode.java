package org.grapevine.gossip.blobs;

import org.grapevine.gossip.sim.RecordingPeer;

import org.grapevine.gossip.sim.SimNet;
import org.grapevine.gossip.sim.SimWire;
import org.grapevine.gossip.wire.WireMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;

/** A simulated node: a {@link MemoryBlobStorage} and a {@link BlobSwarm} on the network's clock, recording its events. */
final class SwarmNode implements BlobSwarm.Events, SimNet.Node {
    private final String name;
    private final AuthorId id;
    private final MemoryBlobStorage storage;
    private final BlobSwarm swarm;
    private final List<BlobId> completed = new ArrayList<>();
    private final List<AuthorId> misbehaving = new ArrayList<>();
    private final List<String> misbehaviour = new ArrayList<>();
    private final Map<AuthorId, Integer> chunksFrom = new HashMap<>();

    /** A simulated network of blob swarms with {@code config}. */
    static SimNet<SwarmNode> network(BlobSwarm.Config config) {
        return new SimNet<>((net, name) -> new SwarmNode(net, name, new MemoryBlobStorage(), config));
    }

    static SimNet<SwarmNode> network() {
        return network(BlobSwarm.Config.defaults());
    }

    SwarmNode(SimNet<SwarmNode> network, String name, MemoryBlobStorage storage, BlobSwarm.Config config) {
        this.name = name;
        this.id = RecordingPeer.idOf(name);
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

    @Override
    public String name() {
        return name;
    }

    @Override
    public AuthorId id() {
        return id;
    }

    @Override
    public boolean connected(SimWire link) {
        swarm.connected(link);
        return true;
    }

    @Override
    public void disconnected(AuthorId peer) {
        swarm.disconnected(peer);
    }

    @Override
    public void received(AuthorId from, WireMessage message) {
        swarm.received(from, message);
    }

    @Override
    public void writable(AuthorId peer) {
        swarm.writable(peer);
    }

    @Override
    public void tick() {
        swarm.tick();
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
