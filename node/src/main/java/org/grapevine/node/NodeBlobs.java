package org.grapevine.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.grapevine.gossip.blobs.BlobPeer;
import org.grapevine.gossip.blobs.BlobStorage;
import org.grapevine.gossip.blobs.BlobSwarm;
import org.grapevine.gossip.blobs.HashedChunk;
import org.grapevine.gossip.limits.Scope;
import org.grapevine.gossip.transport.PeerChannel;
import org.grapevine.gossip.wire.MessageType;
import org.grapevine.gossip.wire.WireMessage;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.identity.log.Entry;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.protocol.Protocol;

/**
 * A node's blobs: the files, the swarm that fetches and serves them, and the policy of what to
 * fetch unasked (attachments of followed authors' posts up to a size cap). The swarm runs on a
 * thread of its own, so hashing and writing chunks never holds up replication; received chunks
 * are hashed on a second thread before they reach it, so that hashing one chunk and storing the
 * one before run at once.
 */
final class NodeBlobs implements Protocol, AutoCloseable {
    static final int IN_FLIGHT_PER_PEER = 16;

    private final BlobStore files;
    private final BlobSwarm swarm;
    private final ScheduledExecutorService thread;
    /** Hashes the data of received chunks; every received blob message passes it, so each peer's stay in order. */
    private final ExecutorService hashing;
    private final Node.Blobs config;
    private final Consumer<String> events;

    NodeBlobs(BlobStore files, Node.Blobs config, LongSupplier clock, Consumer<String> events, Consumer<AuthorId> misbehaved) {
        this.files = files;
        this.config = config;
        this.events = events;
        this.thread = Executors.newSingleThreadScheduledExecutor(daemon("grapevine-blobs"));
        this.hashing = Executors.newSingleThreadExecutor(daemon("grapevine-blob-hashing"));
        BlobSwarm.Config defaults = BlobSwarm.Config.defaults();
        // 16 chunks (4 MiB) in flight per peer keep one seeder's link busy over a fast link.
        BlobSwarm.Config swarmConfig = new BlobSwarm.Config(IN_FLIGHT_PER_PEER, defaults.requestTimeoutMillis(),
                config.autoFetchMax(), config.hops(), defaults.haveUpdateMillis());
        this.swarm = new BlobSwarm(new Storage(files), clock, swarmConfig, new BlobSwarm.Events() {
            @Override
            public void chunkFrom(AuthorId peer, BlobId blob, int index, int bytes) {
                logProgress(blob);
            }

            @Override
            public void completed(BlobId blob) {
                events.accept("blob " + blob + " complete");
            }

            @Override
            public void misbehaved(AuthorId peer, String reason) {
                events.accept("disconnecting " + peer + ": " + reason);
                misbehaved.accept(peer);
            }
        }, new SplittableRandom());
        thread.scheduleWithFixedDelay(guarded(() -> {
            swarm.tick();
            files.flushDue();
        }), 250, 250, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** The last tenth of each large fetch that was logged. */
    private final java.util.Map<BlobId, Integer> loggedTenths = new java.util.HashMap<>();

    /** Logs a large fetch at every tenth of its chunks, so a daemon's log shows it moving. */
    private void logProgress(BlobId blob) {
        BlobSwarm.Progress p = swarm.progress(blob);
        if (p == null || p.chunks() < 40) return;
        int tenth = (int) ((long) p.held() * 10 / p.chunks());
        if (p.complete()) {
            loggedTenths.remove(blob);
        } else if (tenth > loggedTenths.getOrDefault(blob, 0)) {
            loggedTenths.put(blob, tenth);
            events.accept("blob " + blob + ": " + tenth * 10 + "% (" + p.held() + " of " + p.chunks() + " chunks) from "
                    + p.sources().size() + " peer" + (p.sources().size() == 1 ? "" : "s"));
        }
    }

    /**
     * Resumes the fetches a previous run left partial for this node itself; what it left of blobs
     * fetched only for others is removed.
     */
    void resume() {
        try {
            int swept = files.sweep();
            if (swept > 0) events.accept("removed " + swept + " partial blob" + (swept == 1 ? "" : "s") + " fetched for others before a restart");
        } catch (IOException e) {
            events.accept("blob store: " + e.getMessage());
        }
        for (BlobStore.Held h : files.list()) {
            if (!h.complete()) fetch(h.id(), h.size());
        }
    }

    BlobStore files() {
        return files;
    }

    /** Fetches under way or held for others, and their bytes. */
    CompletableFuture<long[]> relays() {
        return CompletableFuture.supplyAsync(() -> new long[] {swarm.relays(), swarm.relayBytes()}, thread);
    }

    private Runnable guarded(IoTask task) {
        return () -> {
            try {
                task.run();
            } catch (IOException e) {
                events.accept("blob store: " + e.getMessage());
            } catch (RuntimeException e) {
                events.accept("internal error in blobs: " + e);
            }
        };
    }

    private interface IoTask {
        void run() throws IOException;
    }

    /** Runs {@code task} on the blob thread; dropped once the node is closing. */
    private void submit(IoTask task) {
        try {
            thread.execute(guarded(task));
        } catch (RejectedExecutionException closing) {
            // The node is shutting down: peers are going away anyway.
        }
    }

    @Override
    public Set<MessageType> types() {
        return Set.of(MessageType.BLOB_WANT, MessageType.BLOB_HAVE, MessageType.BLOB_GET, MessageType.BLOB_CHUNK, MessageType.BLOB_CANCEL);
    }

    @Override
    public void connected(PeerChannel peer) {
        submit(() -> swarm.connected(new BlobPeer() {
            @Override
            public AuthorId id() {
                return peer.id();
            }

            @Override
            public void send(WireMessage message) {
                peer.send(message);
            }

            @Override
            public boolean writable() {
                return peer.writable();
            }

            @Override
            public void close(WireMessage.Reason reason, String detail) {
                peer.close(reason, detail);
            }

            @Override
            public Scope scope() {
                return peer.scope();
            }
        }));
    }

    /** What {@code peer} may see changed. */
    void visibilityChanged(AuthorId peer) {
        submit(() -> swarm.visibilityChanged(peer));
    }

    @Override
    public void disconnected(AuthorId peer) {
        submit(() -> swarm.disconnected(peer));
    }

    /**
     * Hands a blob message from {@code peer} to the swarm, hashing a chunk's data on the way;
     * {@code done} runs once the swarm has dealt with it (or the node is closing).
     */
    @Override
    public void received(PeerChannel from, WireMessage message, Runnable done) {
        AuthorId peer = from.id();
        try {
            hashing.execute(() -> {
                try {
                    if (message instanceof WireMessage.BlobChunk c) {
                        HashedChunk hashed = HashedChunk.of(c);
                        submit(() -> swarm.received(peer, hashed), done);
                    } else {
                        submit(() -> swarm.received(peer, message), done);
                    }
                } catch (RuntimeException e) {
                    done.run();
                    events.accept("internal error in blobs: " + e);
                }
            });
        } catch (RejectedExecutionException closing) {
            done.run();
        }
    }

    /** Runs {@code task} on the blob thread, then {@code done}, whatever became of it. */
    private void submit(IoTask task, Runnable done) {
        submit(() -> {
            try {
                task.run();
            } finally {
                done.run();
            }
        });
    }

    @Override
    public void writable(AuthorId peer) {
        submit(() -> swarm.writable(peer));
    }

    /** Starts fetching a blob (size −1 when unknown); a no-op for one held whole. */
    CompletableFuture<Void> fetch(BlobId blob, long size) {
        return fetch(blob, size, config.hops());
    }

    /** As {@link #fetch(BlobId, long)}, the wants going {@code hops} hops (1: only to peers, who never relay it). */
    CompletableFuture<Void> fetch(BlobId blob, long size, int hops) {
        return CompletableFuture.runAsync(guarded(() -> swarm.fetch(blob, size, hops)), thread);
    }

    /** Fetch progress, or what is held when no fetch ran in this process. */
    CompletableFuture<Optional<Node.BlobProgress>> progress(BlobId blob) {
        return CompletableFuture.supplyAsync(() -> {
            BlobSwarm.Progress p = swarm.progress(blob);
            if (p != null) {
                return Optional.of(new Node.BlobProgress(p.size(), p.chunks(), p.held(), p.bytesReceived(), p.sources().size(), p.complete()));
            }
            return files.held(blob).map(h -> new Node.BlobProgress(h.size(), h.chunks(), h.chunksHeld(), 0, 0, h.complete()));
        }, thread);
    }

    /** Stops any fetch of a blob and removes its files. */
    CompletableFuture<Boolean> remove(BlobId blob) {
        return CompletableFuture.supplyAsync(() -> {
            swarm.cancel(blob);
            try {
                return files.remove(blob);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, thread);
    }

    /**
     * Wants the attachments of newly stored posts whose authors pass {@code followed}, up to the
     * automatic-fetch size cap.
     */
    void stored(List<Entry> entries, Predicate<AuthorId> followed) {
        for (Entry e : entries) {
            if (!e.hasContent()) continue;
            List<Content.Attachment> attachments = ContentKinds.attachments(e.header().contentType(), e.content());
            if (attachments.isEmpty() || !followed.test(e.header().author())) continue;
            for (Content.Attachment a : attachments) {
                if (a.size() <= config.autoFetchMax() && a.size() <= files.maxSize()) fetch(a.blob(), a.size());
            }
        }
    }

    @Override
    public void close() {
        hashing.shutdown();
        thread.shutdown();
        try {
            hashing.awaitTermination(5, TimeUnit.SECONDS);
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.close();
    }

    /** The blob files as the swarm sees them. */
    private static final class Storage implements BlobStorage {
        private final BlobStore files;

        Storage(BlobStore files) {
            this.files = files;
        }

        @Override
        public Holding holding(BlobId blob) {
            Optional<BlobStore.Held> h = files.held(blob);
            if (h.isEmpty()) return null;
            if (!h.get().complete() && !files.isOpen(blob)) {
                // Left partial by an earlier run: reopen it, its recorded chunks checked again.
                try {
                    if (!files.begin(blob, h.get().size())) return null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                h = files.held(blob);
            }
            BitSet chunks = files.chunks(blob);
            return new Holding(h.get().size(), chunks == null ? new BitSet() : chunks, h.get().complete());
        }

        @Override
        public WireMessage.BlobChunk read(BlobId blob, int index) {
            try {
                return files.read(blob, index)
                        .map(c -> new WireMessage.BlobChunk(c.blob(), c.size(), c.index(), c.proof(), c.data()))
                        .orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean begin(BlobId blob, long size) {
            return unchecked(() -> files.begin(blob, size));
        }

        @Override
        public boolean beginTransient(BlobId blob, long size) {
            return unchecked(() -> files.beginTransient(blob, size));
        }

        @Override
        public void keep(BlobId blob) {
            unchecked(() -> {
                files.keep(blob);
                return null;
            });
        }

        @Override
        public void discard(BlobId blob) {
            unchecked(() -> {
                files.discard(blob);
                return null;
            });
        }

        /** The blob file call's result; an I/O failure as unchecked (the swarm's caller logs it). */
        private static <T> T unchecked(IoCall<T> call) {
            try {
                return call.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private interface IoCall<T> {
            T run() throws IOException;
        }

        @Override
        public Stored store(HashedChunk hashed) {
            WireMessage.BlobChunk chunk = hashed.chunk();
            try {
                return switch (files.store(chunk.blob(), chunk.index(), chunk.proof(), chunk.dataUnsafe(), hashed.leaf())) {
                    case STORED -> Stored.STORED;
                    case COMPLETE -> Stored.COMPLETE;
                    case DUPLICATE -> Stored.DUPLICATE;
                    case INVALID -> Stored.INVALID;
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
