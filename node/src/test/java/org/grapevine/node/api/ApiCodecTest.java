package org.grapevine.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.grapevine.identity.Malformed;
import org.junit.jupiter.api.Test;

/** The local API's JSON: every request and response as docs/LOCAL-API.md shows it, both ways, and strict. */
class ApiCodecTest {
    private static String json(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void requestsAndResponsesHaveTheDocumentedFormAndComeBackEqual() throws Malformed {
        assertEquals("{\"v\":1,\"request\":{\"op\":\"whoami\"}}", json(ApiCodec.encode(new ApiRequest.Whoami())));
        assertEquals("{\"v\":1,\"request\":{\"op\":\"set-petname\",\"author\":\"@x\",\"name\":\"bob\"}}",
                json(ApiCodec.encode(new ApiRequest.SetPetname("@x", "bob"))));
        assertEquals("{\"v\":1,\"request\":{\"op\":\"publish\",\"type\":1,\"body\":\"AA==\"}}", json(ApiCodec.encode(new ApiRequest.Publish(1, "AA=="))));
        assertEquals("{\"v\":1,\"response\":{\"kind\":\"failed\",\"message\":\"no\",\"exit\":2}}", json(ApiCodec.encode(new ApiResponse.Failed("no", 2))));

        List<ApiRequest> requests = List.of(new ApiRequest.Whoami(), new ApiRequest.Peers(), new ApiRequest.Sync(),
                new ApiRequest.SetPetname("@a", ""), new ApiRequest.Publish(2, "AQI="), new ApiRequest.ResolveAuthor("bob"), new ApiRequest.Person("@a"), new ApiRequest.Nearby());
        for (ApiRequest r : requests) assertEquals(r, ApiCodec.decodeRequest(ApiCodec.encode(r)));
        List<ApiResponse> responses = List.of(new ApiResponse.Me("@a", "alice", "", null, 3),
                new ApiResponse.PeerList(true, List.of(new ApiResponse.Peer(null, "10.0.0.1:7733", true, false, 5, "BOOTSTRAP")),
                        java.util.Map.of("@a", new ApiResponse.Name("al", null))),
                new ApiResponse.SyncList(false, List.of(new ApiResponse.Feed("@a", 3, 4, false, true)), java.util.Map.of()),
                new ApiResponse.Done(), new ApiResponse.Published("%e", 4, "AA=="), new ApiResponse.Resolved("@b"), new ApiResponse.NearbyList(List.of(new ApiResponse.Met(null, "10.0.0.2:7733", 1, 2, false, false)), java.util.Map.of()), new ApiResponse.PersonView("@a", new ApiResponse.Name(null, "al"), true, false), new ApiResponse.Failed("why", 1));
        for (ApiResponse r : responses) assertEquals(r, ApiCodec.decodeResponse(ApiCodec.encode(r)));
    }

    @Test
    void anythingElseIsMalformed() {
        for (String bad : List.of("", "[]", "{}", "{\"v\":1}", "{\"v\":\"1\",\"request\":{\"op\":\"whoami\"}}",
                "{\"v\":1,\"request\":{\"op\":\"whoami\"},\"more\":0}", "{\"v\":1,\"request\":{\"op\":\"publish\",\"type\":1}} {}",
                "{\"v\":1,\"request\":{\"op\":\"publish\",\"body\":\"AA==\"}}", "{\"v\":1,\"response\":{\"kind\":\"done\"}}")) {
            assertThrows(Malformed.class, () -> ApiCodec.decodeRequest(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
        assertThrows(Malformed.class, () -> ApiCodec.decodeRequest(new byte[ApiCodec.MAX_REQUEST_BYTES + 1]));
    }
}
