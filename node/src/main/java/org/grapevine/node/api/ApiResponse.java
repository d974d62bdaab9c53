package org.grapevine.node.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/** What the node answers a {@link ApiRequest}: one of these, or {@link Failed}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ApiResponse.Me.class, name = "me"),
    @JsonSubTypes.Type(value = ApiResponse.PeerList.class, name = "peers"),
    @JsonSubTypes.Type(value = ApiResponse.SyncList.class, name = "sync"),
    @JsonSubTypes.Type(value = ApiResponse.Done.class, name = "done"),
    @JsonSubTypes.Type(value = ApiResponse.Published.class, name = "published"),
    @JsonSubTypes.Type(value = ApiResponse.Resolved.class, name = "resolved"),
    @JsonSubTypes.Type(value = ApiResponse.PersonView.class, name = "person"),
    @JsonSubTypes.Type(value = ApiResponse.NearbyList.class, name = "nearby"),
    @JsonSubTypes.Type(value = ApiResponse.Failed.class, name = "failed")})
public sealed interface ApiResponse {
    /**
     * The node's identity; the name, description and avatar it declares (null before it declared
     * any; the avatar null without one); and how long its log is.
     */
    record Me(String id, String name, String about, String avatar, long entries) implements ApiResponse {}

    /** How the user knows someone: their petname, and the name they declare (each null when none). */
    record Name(String petname, String declared) {}

    /** A peer as {@code grapevine peers} shows it; {@code id} null when not known yet. */
    record Peer(String id, String address, boolean outbound, boolean connected, long lastSeen, String source) {}

    /** The peers; {@code running} false when no node runs (then: the peers remembered), with the names of those known. */
    record PeerList(boolean running, List<Peer> peers, Map<String, Name> names) implements ApiResponse {}

    /** One wanted feed: what this node holds, the most a peer said it holds, whether it has it all, whether the user follows its author. */
    record Feed(String feed, long local, long bestSeen, boolean caughtUp, boolean following) {}

    /** The wanted feeds; {@code running} false when no node runs (then: what is held here only). */
    record SyncList(boolean running, List<Feed> feeds, Map<String, Name> names) implements ApiResponse {}

    record Done() implements ApiResponse {}

    /** The entry stored: its id, sequence number, and canonical bytes (base64). */
    record Published(String id, long seq, String entry) implements ApiResponse {}

    /** A node met on the LAN: who (null until a dial proved it), where, when, whether connected, whether the user follows them. */
    record Met(String id, String address, long firstSeen, long lastSeen, boolean connected, boolean followed) {}

    record NearbyList(List<Met> met, Map<String, Name> names) implements ApiResponse {}

    /** Someone as the user stands with them. */
    record PersonView(String id, Name name, boolean follows, boolean blocks) implements ApiResponse {}

    /** The id a text named. */
    record Resolved(String id) implements ApiResponse {}

    /** The request could not be done: why, for the user, and the CLI's exit code for it. */
    record Failed(String message, int exit) implements ApiResponse {}
}
