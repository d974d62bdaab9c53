package org.grapevine.node.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/** What the node answers a {@link ApiRequest}: one of these, or {@link Failed}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ApiResponse.Me.class, name = "me"),
    @JsonSubTypes.Type(value = ApiResponse.PeerList.class, name = "peers"),
    @JsonSubTypes.Type(value = ApiResponse.SyncList.class, name = "sync"),
    @JsonSubTypes.Type(value = ApiResponse.Done.class, name = "done"),
    @JsonSubTypes.Type(value = ApiResponse.Published.class, name = "published"),
    @JsonSubTypes.Type(value = ApiResponse.Failed.class, name = "failed")})
public sealed interface ApiResponse {
    /** The node's identity, the name it declares, and how long its log is. */
    record Me(String id, String name, String about, long entries) implements ApiResponse {}

    /** A peer as {@code grapevine peers} shows it; {@code id} null when not known yet. */
    record Peer(String id, String name, String address, boolean outbound, boolean connected, long lastSeen, String source) {}

    record PeerList(List<Peer> peers) implements ApiResponse {}

    /** One wanted feed: what this node holds, the most a peer said it holds, whether it has it all. */
    record Feed(String feed, String name, long local, long bestSeen, boolean caughtUp) {}

    record SyncList(List<Feed> feeds) implements ApiResponse {}

    record Done() implements ApiResponse {}

    /** The entry stored: its id and sequence number. */
    record Published(String id, long seq) implements ApiResponse {}

    /** The request could not be done: why, for the user, and the CLI's exit code for it. */
    record Failed(String message, int exit) implements ApiResponse {}
}
