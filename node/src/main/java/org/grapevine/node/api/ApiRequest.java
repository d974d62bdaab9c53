package org.grapevine.node.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a client asks of a running node through the local API (docs/LOCAL-API.md). Ids travel in
 * their text forms, content as its type code and canonical bytes (base64), so that what a client
 * sends is exactly what the node signs.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ApiRequest.Whoami.class, name = "whoami"),
    @JsonSubTypes.Type(value = ApiRequest.Peers.class, name = "peers"),
    @JsonSubTypes.Type(value = ApiRequest.Sync.class, name = "sync"),
    @JsonSubTypes.Type(value = ApiRequest.SetPetname.class, name = "set-petname"),
    @JsonSubTypes.Type(value = ApiRequest.Publish.class, name = "publish"),
    @JsonSubTypes.Type(value = ApiRequest.ResolveAuthor.class, name = "resolve-author"),
    @JsonSubTypes.Type(value = ApiRequest.Person.class, name = "person"),
    @JsonSubTypes.Type(value = ApiRequest.Nearby.class, name = "nearby")})
public sealed interface ApiRequest {
    /** Who this node is. */
    record Whoami() implements ApiRequest {}

    /** The peers connected and known. */
    record Peers() implements ApiRequest {}

    /** The nodes the daemon met on the LAN in this run. */
    record Nearby() implements ApiRequest {}

    /** How far each wanted feed is synced. */
    record Sync() implements ApiRequest {}

    /** Gives {@code author} the user's own name for them; an empty name removes it. */
    record SetPetname(String author, String name) implements ApiRequest {}

    /** The author {@code text} names: a whole id, a unique prefix of a known one ('@' and at least 4 characters), or a petname. */
    record ResolveAuthor(String text) implements ApiRequest {}

    /** How the user stands with {@code author}: names, and whether the user follows or blocks them. */
    record Person(String author) implements ApiRequest {}

    /** Signs and stores a body of content type {@code type} as the user's next entry. */
    record Publish(int type, String body) implements ApiRequest {}
}
