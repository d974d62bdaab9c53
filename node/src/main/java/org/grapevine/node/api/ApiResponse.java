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
    @JsonSubTypes.Type(value = ApiResponse.Entries.class, name = "entries"),
    @JsonSubTypes.Type(value = ApiResponse.ThreadView.class, name = "thread"),
    @JsonSubTypes.Type(value = ApiResponse.LogView.class, name = "log"),
    @JsonSubTypes.Type(value = ApiResponse.BlobsAdded.class, name = "blobs-added"),
    @JsonSubTypes.Type(value = ApiResponse.BlobList.class, name = "blobs"),
    @JsonSubTypes.Type(value = ApiResponse.BlobView.class, name = "blob"),
    @JsonSubTypes.Type(value = ApiResponse.Reachable.class, name = "reachable"),
    @JsonSubTypes.Type(value = ApiResponse.PeerAdded.class, name = "peer-added"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelMade.class, name = "channel"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelCode.class, name = "channel-invite"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelList.class, name = "channels"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelFeed.class, name = "channel-feed"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelMembers.class, name = "channel-members"),
    @JsonSubTypes.Type(value = ApiResponse.ChannelMemberChanged.class, name = "channel-member"),
    @JsonSubTypes.Type(value = ApiResponse.Conversations.class, name = "conversations"),
    @JsonSubTypes.Type(value = ApiResponse.Messages.class, name = "messages"),
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

    /** How much of a blob is here: its size, whether whole, its chunks and how many of them are held. */
    record Held(long size, boolean complete, int chunks, int held) {}

    /**
     * Entries, newest first or in log order as asked, as canonical bytes (base64); the names of the
     * people their renderings name; what is here of the blobs they attach; and whether more were
     * asked for than one answer holds ({@code more}: the list stops short, at the first that did not fit).
     */
    record Entries(List<String> entries, Map<String, Name> names, Map<String, Held> blobs, boolean more) implements ApiResponse {}

    /** A thread: the id of its first post (which may not be here yet), and its entries held here in order. */
    record ThreadView(String root, Entries thread) implements ApiResponse {}

    /** A log: its author, how long it is here, whether its author forked it, and the entries asked for. */
    record LogView(String author, long head, boolean forked, Entries log) implements ApiResponse {}

    /** A file added as a blob: what a post attaching it records. */
    record Added(String id, long size, String mediaType, String name) {}

    /** The files added, in the order asked. */
    record BlobsAdded(List<Added> added) implements ApiResponse {}

    /** A blob held here, with the name and media type a post gives it (each null when no post held here attaches it). */
    record Blob(String id, Held held, String name, String mediaType) {}

    record BlobList(List<Blob> blobs) implements ApiResponse {}

    /** How a blob's fetch goes: its size (−1 until known), chunks, how many are here, bytes received, from how many peers. */
    record Fetch(long size, int chunks, int held, long bytesReceived, int sources, boolean complete) {}

    /**
     * One blob: its id; what is here of it (null: nothing), with its file when whole (else null);
     * what a post held here says of it ({@code size} −1, {@code name} and {@code mediaType} null
     * when none attaches it); while a daemon runs ({@code running}), how its fetch goes (null when
     * none); and the largest blob the node stores.
     */
    record BlobView(String id, Held held, String path, long size, String name, String mediaType, boolean running,
                    Fetch fetch, long maxSize) implements ApiResponse {}

    /** Where the running daemon listens (a wildcard host when on every interface), and its network. */
    record Reachable(String id, String host, int port, boolean anyInterface, String network) implements ApiResponse {}

    /** An address added; {@code running} false when no daemon runs (then it is remembered for its next start). */
    record PeerAdded(boolean running) implements ApiResponse {}

    /**
     * A channel held here: its local handle, display name, id, network, how many members are
     * known, whether this node owns it, whether it is the owner or an admin, and whether it was
     * removed (it keeps what it held; nothing new comes).
     */
    record Channel(String handle, String name, String id, String network, int personas, boolean owner, boolean admin, boolean removed) {}

    record ChannelMade(Channel channel) implements ApiResponse {}

    record ChannelCode(String code, String channel) implements ApiResponse {}

    record ChannelList(List<Channel> channels) implements ApiResponse {}

    /** A channel attachment: its blob, name, size, media type, whether it is here whole (and then its file), and the key that opens it (hex). */
    record ChannelAttachment(String id, String name, long size, String mediaType, boolean here, String path, String key) {}

    /**
     * One channel entry: its id, the persona that wrote it, the public id that persona revealed
     * (null: anonymous, or not known yet), the name it goes by, its sequence number, time, what it
     * is ("post", "introduction", ...), its text, the entry it replies to, its attachments.
     */
    record ChannelItem(String id, String persona, String member, String name, long seq, long timestamp, String type, String text,
                       String reply, List<ChannelAttachment> attachments) {}

    record ChannelFeed(Channel channel, List<ChannelItem> items) implements ApiResponse {}

    /** A member as this node knows them: persona, name, public id (null: anonymous), and whether owner or admin. */
    record ChannelMember(String persona, String name, String member, boolean owner, boolean admin) {}

    /**
     * A conversation: with whom, whether it is a message request, messages sent and received,
     * unread ones, the newest (its text, time, whether it is the user's; null text when none) and
     * whether the newest the user sent was delivered.
     */
    record Conversation(String with, boolean request, int sent, int received, int unread, String lastText, long lastTimestamp, boolean lastMine,
                        boolean delivered) {}

    record Conversations(List<Conversation> conversations, Map<String, Name> names) implements ApiResponse {}

    /** A message: its id, whether the user sent it, time, text, attachments, and (for the user's) whether it was delivered. */
    record Message(String id, boolean mine, long timestamp, String text, List<ChannelAttachment> attachments, boolean delivered) {}

    record Messages(String with, boolean request, List<Message> messages, Map<String, Name> names) implements ApiResponse {}

    /** A member whose role changed, or who was removed. */
    record ChannelMemberChanged(Channel channel, ChannelMember member) implements ApiResponse {}

    record ChannelMembers(Channel channel, List<ChannelMember> members) implements ApiResponse {}

    /** The request could not be done: why, for the user, and the CLI's exit code for it. */
    record Failed(String message, int exit) implements ApiResponse {}
}
