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
    @JsonSubTypes.Type(value = ApiRequest.Nearby.class, name = "nearby"),
    @JsonSubTypes.Type(value = ApiRequest.Feed.class, name = "feed"),
    @JsonSubTypes.Type(value = ApiRequest.Thread.class, name = "thread"),
    @JsonSubTypes.Type(value = ApiRequest.Log.class, name = "log"),
    @JsonSubTypes.Type(value = ApiRequest.GetEntry.class, name = "entry"),
    @JsonSubTypes.Type(value = ApiRequest.AddBlobs.class, name = "add-blobs"),
    @JsonSubTypes.Type(value = ApiRequest.Blobs.class, name = "blobs"),
    @JsonSubTypes.Type(value = ApiRequest.BlobStatus.class, name = "blob"),
    @JsonSubTypes.Type(value = ApiRequest.FetchBlob.class, name = "fetch-blob"),
    @JsonSubTypes.Type(value = ApiRequest.RemoveBlob.class, name = "remove-blob"),
    @JsonSubTypes.Type(value = ApiRequest.Invite.class, name = "invite"),
    @JsonSubTypes.Type(value = ApiRequest.AddPeer.class, name = "add-peer"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelCreate.class, name = "channel-create"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelInvite.class, name = "channel-invite"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelJoin.class, name = "channel-join"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelList.class, name = "channel-list"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelFeed.class, name = "channel-feed"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelPost.class, name = "channel-post"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelMembers.class, name = "channel-members"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelLeave.class, name = "channel-leave"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelRole.class, name = "channel-role"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelRemove.class, name = "channel-remove"),
    @JsonSubTypes.Type(value = ApiRequest.ChannelHide.class, name = "channel-hide"),
    @JsonSubTypes.Type(value = ApiRequest.DmSend.class, name = "dm-send"),
    @JsonSubTypes.Type(value = ApiRequest.DmList.class, name = "dm-list"),
    @JsonSubTypes.Type(value = ApiRequest.DmShow.class, name = "dm-show"),
    @JsonSubTypes.Type(value = ApiRequest.DmAccept.class, name = "dm-accept")})
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

    /** The newest entries of the user and the people they follow: posts only, or with {@code all} every kind (deleted posts too). */
    record Feed(int limit, boolean all) implements ApiRequest {}

    /** The thread {@code entry} belongs to (a whole id or a unique prefix of a held one: '%' and at least 6 characters). */
    record Thread(String entry) implements ApiRequest {}

    /** Up to {@code limit} entries of {@code author}'s log from sequence number {@code from}. */
    record Log(String author, long from, int limit) implements ApiRequest {}

    /** One held entry: a whole id or a unique prefix, as in {@link Thread}. */
    record GetEntry(String entry) implements ApiRequest {}

    /**
     * Copies files (absolute paths on the node's machine) into the node's blobs, all checked
     * before any is added: a missing, unreadable or too large file adds none.
     */
    record AddBlobs(java.util.List<String> paths) implements ApiRequest {}

    /** The blobs held whole or in part. */
    record Blobs() implements ApiRequest {}

    /**
     * One blob: {@code blob} a whole id or a unique prefix ('^' and at least 6 characters) of one
     * held or attached to one of the user's newest posts.
     */
    record BlobStatus(String blob) implements ApiRequest {}

    /** Starts fetching a blob from peers ({@code size} −1 when unknown); needs a running daemon. */
    record FetchBlob(String blob, long size) implements ApiRequest {}

    /** Stops any fetch of a blob and removes what is held of it. */
    record RemoveBlob(String blob) implements ApiRequest {}

    /** Where and on which network the running daemon can be reached, for an invite. */
    record Invite() implements ApiRequest {}

    /** Adds a peer's address ({@code HOST:PORT@ID}) from an invite for {@code network}, which must be the daemon's. */
    record AddPeer(String address, String network) implements ApiRequest {}

    /** Creates a channel known here as {@code handle}, shown to members as {@code name}. */
    record ChannelCreate(String handle, String name) implements ApiRequest {}

    /** An invite code for the channel {@code handle}, naming {@code address} ({@code HOST:PORT@ID}, or null for none) as where to find the inviter. */
    record ChannelInvite(String handle, String address) implements ApiRequest {}

    /** Joins the channel of invite {@code code} as {@code handle} (null: from the channel's name), revealing the public id unless {@code anonymous}, going by {@code as}. */
    record ChannelJoin(String code, String handle, boolean anonymous, String as) implements ApiRequest {}

    record ChannelList() implements ApiRequest {}

    /** The newest {@code limit} entries of the channel {@code handle}. */
    record ChannelFeed(String handle, int limit) implements ApiRequest {}

    /** Posts {@code text} into the channel {@code handle}, replying to {@code reply} (an entry id or prefix, or null), attaching files (absolute paths). */
    record ChannelPost(String handle, String text, String reply, java.util.List<String> attach) implements ApiRequest {}

    record ChannelMembers(String handle) implements ApiRequest {}

    /** Stops holding the channel {@code handle}: its feeds are no longer replicated here. */
    record ChannelLeave(String handle) implements ApiRequest {}

    /**
     * Makes {@code member} of the channel {@code handle} an admin ({@code admin}) or a plain
     * member again; {@code member} is the name they go by, their public id or persona id, or a
     * unique prefix of either.
     */
    record ChannelRole(String handle, String member, boolean admin) implements ApiRequest {}

    /** Removes {@code member} (as for {@link ChannelRole}) from the channel {@code handle} by a re-key. */
    record ChannelRemove(String handle, String member) implements ApiRequest {}

    /** Hides the channel entry {@code entry} (its id or a unique prefix): members' nodes drop its body. */
    record ChannelHide(String handle, String entry) implements ApiRequest {}

    /** Sends {@code text} with files (absolute paths) to the person {@code to} (a whole id). */
    record DmSend(String to, String text, java.util.List<String> attach) implements ApiRequest {}

    /** The conversations; only message requests when {@code requests}. */
    record DmList(boolean requests) implements ApiRequest {}

    /** The newest {@code limit} messages with {@code with} (a whole id), oldest first; they count as read. */
    record DmShow(String with, int limit) implements ApiRequest {}

    /** Takes up the conversation {@code with} opened: no longer a message request. */
    record DmAccept(String with) implements ApiRequest {}
}
