package org.grapevine.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
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
        control = ControlServer.start(socket, (args, out, err) -> {
            err.println("no command lines in this test");
            return 2;
        }, LocalApi.daemon(node, store, home)::handle);
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
}
