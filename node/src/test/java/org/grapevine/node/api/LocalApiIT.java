package org.grapevine.node.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.blob.BlobHasher;
import org.grapevine.gossip.transport.NetworkKey;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentCodec;
import org.grapevine.node.Home;
import org.grapevine.node.Node;
import org.grapevine.node.control.ControlClient;
import org.grapevine.node.control.ControlServer;
import org.grapevine.node.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API over a real control socket, answered by a real node and store. */
class LocalApiIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;
    private Store store;
    private Node node;
    private ControlServer control;
    private Path socket;
    private Home home;
    private final Identity me = Identity.generate(RANDOM);

    @BeforeEach
    void start() throws Exception {
        home = new Home(dir.resolve("home"));
        home.create();
        store = Store.open(home.storeFile());
        Node.Config config = Node.Config.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)).withNetwork(NetworkKey.named("api-it"));
        node = Node.start(home, me, store, config, line -> {});
        socket = home.controlSocket();
        control = ControlServer.start(socket, LocalApi.daemon(node, store, home)::handle);
    }

    @AfterEach
    void stop() throws IOException {
        control.close();
        node.close();
        store.close();
    }

    private ApiResponse call(ApiRequest request) throws Exception {
        return ApiCodec.decodeResponse(ControlClient.call(socket, ApiCodec.encode(request)).orElseThrow());
    }

    private ApiResponse callRaw(String json) throws Exception {
        return ApiCodec.decodeResponse(ControlClient.call(socket, json.getBytes(StandardCharsets.UTF_8)).orElseThrow());
    }

    @Test
    void aClientLearnsWhoTheNodeIsPublishesThroughItAndNamesSomeone() throws Exception {
        assertEquals(new ApiResponse.Me(me.id().toString(), null, null, null, 0), call(new ApiRequest.Whoami()));

        byte[] body = ContentCodec.encode(Content.Post.text("hello over the local API"));
        ApiResponse published = call(new ApiRequest.Publish(Content.POST, Base64.getEncoder().encodeToString(body)));
        ApiResponse.Published p = assertInstanceOf(ApiResponse.Published.class, published);
        assertEquals(1, p.seq());
        assertEquals(p.id(), store.get(me.id(), 1).orElseThrow().id().toString(), "stored as the user's first entry");
        assertEquals(store.get(me.id(), 1).orElseThrow(), org.grapevine.identity.log.Entry.decode(Base64.getDecoder().decode(p.entry())),
                "and handed back whole");

        AuthorId bob = Identity.generate(RANDOM).id();
        assertEquals(new ApiResponse.Done(), call(new ApiRequest.SetPetname(bob.toString(), " bob ")));
        assertEquals(Optional.of("bob"), store.indexes().petname(bob));
        assertEquals(new ApiResponse.Resolved(bob.toString()), call(new ApiRequest.ResolveAuthor("bob")), "a petname names its person");
        assertEquals(new ApiResponse.Resolved(me.id().toString()), call(new ApiRequest.ResolveAuthor(me.id().toString().substring(0, 8))),
                "a prefix of a known author's id");
        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.ResolveAuthor("carol"))).exit());
        ApiResponse taken = call(new ApiRequest.SetPetname(Identity.generate(RANDOM).id().toString(), "bob"));
        assertEquals(1, assertInstanceOf(ApiResponse.Failed.class, taken).exit(), "one petname names one person");

        ApiResponse.SyncList sync = assertInstanceOf(ApiResponse.SyncList.class, call(new ApiRequest.Sync()));
        assertTrue(sync.feeds().stream().anyMatch(f -> f.feed().equals(me.id().toString()) && f.local() == 1), sync.toString());
        assertInstanceOf(ApiResponse.PeerList.class, call(new ApiRequest.Peers()));
    }

    @Test
    void whatTheNodeCannotDoIsOneLineAndAnExitCodeNeverADroppedConnection() throws Exception {
        ApiResponse.Failed version = assertInstanceOf(ApiResponse.Failed.class, callRaw("{\"v\":2,\"request\":{\"op\":\"whoami\"}}"));
        assertTrue(version.message().contains("version"), version.message());
        assertEquals(2, version.exit());
        assertInstanceOf(ApiResponse.Failed.class, callRaw("{\"v\":1,\"request\":{\"op\":\"format-disk\"}}"));
        assertInstanceOf(ApiResponse.Failed.class, callRaw("{\"v\":1,\"request\":{\"op\":\"whoami\",\"extra\":1}}"));
        assertInstanceOf(ApiResponse.Failed.class, callRaw("not json at all"));
        assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.Publish(Content.POST, "***")));
        assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.Publish(Content.POST, Base64.getEncoder().encodeToString(new byte[] {9}))));
        ApiResponse.Failed badId = assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.SetPetname("@nope", "x")));
        assertEquals(2, badId.exit());
        ApiResponse.Failed badName = assertInstanceOf(ApiResponse.Failed.class,
                call(new ApiRequest.SetPetname(Identity.generate(RANDOM).id().toString(), "@bob")));
        assertTrue(badName.message().contains("'@'"), badName.message());
        assertEquals(0, store.headSeq(me.id()), "nothing was stored");
        assertEquals(new ApiResponse.Me(me.id().toString(), null, null, null, 0), call(new ApiRequest.Whoami()), "and the node still answers");
    }

    private ApiResponse.Published publish(Content content) throws Exception {
        return assertInstanceOf(ApiResponse.Published.class,
                call(new ApiRequest.Publish(content.type(), Base64.getEncoder().encodeToString(ContentCodec.encode(content)))));
    }

    @Test
    void aPostWithAPhotoAndAReplyReadBackAsTheFeedAThreadAndTheLogShowThem() throws Exception {
        Path photo = dir.resolve("cake.jpg");
        byte[] bytes = new byte[300_000];
        RANDOM.nextBytes(bytes);
        Files.write(photo, bytes);

        ApiResponse.Added added = assertInstanceOf(ApiResponse.BlobsAdded.class,
                call(new ApiRequest.AddBlobs(List.of(photo.toString())))).added().get(0);
        assertEquals(new ApiResponse.Added(BlobHasher.of(photo).toString(), bytes.length, "image/jpeg", "cake.jpg"), added);
        Content.Attachment attachment = new Content.Attachment(BlobId.parse(added.id()), added.size(), added.mediaType(), added.name());
        ApiResponse.Published post = publish(new Content.Post("the cake", null, null, List.of(), List.of(attachment), ""));
        AuthorId bob = Identity.generate(RANDOM).id();
        call(new ApiRequest.SetPetname(bob.toString(), "bob"));
        EntryId postId = EntryId.parse(post.id());
        ApiResponse.Published reply = publish(new Content.Post("and bob baked it", postId, postId, List.of(bob), List.of(), ""));
        publish(new Content.Follow(bob, true));

        ApiResponse.Entries feed = assertInstanceOf(ApiResponse.Entries.class, call(new ApiRequest.Feed(10, false)));
        assertEquals(List.of(reply.entry(), post.entry()), feed.entries(), "posts only, newest first, as canonical bytes");
        assertEquals(new ApiResponse.Held(bytes.length, true, 2, 2), feed.blobs().get(added.id()), "the photo is here whole");
        assertFalse(feed.more());
        assertEquals(3, assertInstanceOf(ApiResponse.Entries.class, call(new ApiRequest.Feed(10, true))).entries().size(),
                "every kind with 'all'");
        ApiResponse.Entries follows = assertInstanceOf(ApiResponse.Entries.class, call(new ApiRequest.Feed(1, true)));
        assertEquals(new ApiResponse.Name("bob", null), follows.names().get(bob.toString()), "the people an entry names come with their names");

        ApiResponse.ThreadView thread = assertInstanceOf(ApiResponse.ThreadView.class, call(new ApiRequest.Thread(reply.id().substring(0, 8))));
        assertEquals(post.id(), thread.root(), "a reply's prefix finds its thread");
        assertEquals(List.of(post.entry(), reply.entry()), thread.thread().entries());

        ApiResponse.LogView log = assertInstanceOf(ApiResponse.LogView.class, call(new ApiRequest.Log(me.id().toString(), 2, 10)));
        assertEquals(3, log.head());
        assertEquals(List.of(reply.entry()), log.log().entries().subList(0, 1), "from the second entry on");
        assertFalse(log.forked());

        ApiResponse.BlobView blob = assertInstanceOf(ApiResponse.BlobView.class, call(new ApiRequest.BlobStatus(added.id().substring(0, 8))));
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(blob.path())), "the blob's file, found by a prefix");
        assertEquals("cake.jpg", blob.name());
        assertTrue(blob.running());
        assertEquals(1, assertInstanceOf(ApiResponse.BlobList.class, call(new ApiRequest.Blobs())).blobs().size());
        assertEquals(new ApiResponse.Resolved(added.id()), call(new ApiRequest.RemoveBlob(added.id())));
        assertEquals(0, assertInstanceOf(ApiResponse.BlobList.class, call(new ApiRequest.Blobs())).blobs().size());
        assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.RemoveBlob(added.id())), "nothing left to remove");
    }

    @Test
    void filesAreCheckedBeforeAnyIsAddedAndWrongTextsAreOneLine() throws Exception {
        Path good = Files.write(dir.resolve("good.txt"), new byte[] {1, 2, 3});
        ApiResponse.Failed missing = assertInstanceOf(ApiResponse.Failed.class,
                call(new ApiRequest.AddBlobs(List.of(good.toString(), dir.resolve("missing.png").toString()))));
        assertTrue(missing.message().startsWith("no such file: ") && missing.message().endsWith("missing.png"), missing.message());
        assertEquals(0, assertInstanceOf(ApiResponse.BlobList.class, call(new ApiRequest.Blobs())).blobs().size(), "not even the good one");
        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.AddBlobs(List.of("relative.txt")))).exit());
        assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.AddBlobs(List.of(dir.toString()))), "a directory");

        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.GetEntry("%abc"))).exit(), "too short a prefix");
        assertEquals(1, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.GetEntry("%abcdefgh"))).exit(), "no such entry");
        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.Feed(0, false))).exit());
        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.Log(me.id().toString(), 0, 1))).exit());
        assertEquals(1, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.BlobStatus("^zzzzzzzz"))).exit());
    }

    @Test
    void anInviteNamesWhereTheDaemonListensAndAnotherNetworksInviteIsRefused() throws Exception {
        ApiResponse.Reachable at = assertInstanceOf(ApiResponse.Reachable.class, call(new ApiRequest.Invite()));
        assertEquals(new ApiResponse.Reachable(me.id().toString(), "127.0.0.1", node.listenAddress().getPort(), false, "api-it"), at);

        String address = "127.0.0.1:9" + Identity.generate(RANDOM).id();
        ApiResponse.Failed other = assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.AddPeer(address, "main")));
        assertTrue(other.message().contains("--network main"), other.message());
        assertEquals(new ApiResponse.PeerAdded(true), call(new ApiRequest.AddPeer(address, "api-it")));
        assertEquals(2, assertInstanceOf(ApiResponse.Failed.class, call(new ApiRequest.AddPeer("nowhere", "api-it"))).exit());
    }
}
