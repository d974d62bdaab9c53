package org.grapevine.testnet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;

/**
 * One node of a test network as the {@link ScenarioRunner} drives it, whether it runs in this JVM
 * ({@link SimNode}) or as a daemon process ({@link DaemonNode}).
 */
interface TestNode {
    /** Hears of a post as soon as its id is known, before peers can have it where that can be arranged. */
    @FunctionalInterface
    interface Posted {
        /**
         * @param blob the attachment's blob, or null
         * @param postedNanos when it was posted (System.nanoTime)
         */
        void posted(EntryId entry, BlobId blob, long postedNanos);
    }

    int index();

    AuthorId id();

    boolean alive();

    /**
     * Starts the node; after the first start it listens on the same address again, on the data it
     * had. Nodes launched together come up together: {@link #awaitStarted} waits for this one.
     */
    void launch();

    /** Waits until a launched node is up. */
    void awaitStarted();

    /** Stops the node at once: a scenario's {@code kill}. */
    void kill();

    /** Where the other nodes reach it. */
    InetSocketAddress address();

    /** Posts {@code text}, with {@code attachment} (a file, named {@code name}) unless it is null. */
    void post(String text, Path attachment, String name, Posted posted);

    /** Its local API, as the CLI asks it. */
    ChannelSteps.Api api();

    /** Creates a private channel it calls {@code name}. */
    default void channelCreate(String name) {
        ChannelSteps.create(api(), name);
    }

    /** An invite code to its channel {@code name}, naming where it can be reached. */
    default String channelInvite(String name) {
        InetSocketAddress a = address();
        return ChannelSteps.invite(api(), name, new org.grapevine.gossip.discovery.PeerAddress(a.getHostString(), a.getPort(), id()).toString());
    }

    /** Joins the channel of {@code code}, calling it {@code name}. */
    default void channelJoin(String code, String name) {
        ChannelSteps.join(api(), code, name);
    }

    /** Posts {@code text} into its channel {@code name}, with {@code attachment} (a file) unless it is null. */
    default void channelPost(String name, String text, Path attachment, Posted posted) {
        ChannelSteps.post(api(), name, text, attachment, posted);
    }

    /** Sends {@code to} a direct message, as {@code grapevine dm send} does; tells {@code sent} the entry. */
    default void message(TestNode to, String text, Posted sent) {
        ApiResponse.Published p = api().ask(new ApiRequest.DmSend(to.id().toString(), text, List.of()), ApiResponse.Published.class);
        sent.posted(EntryId.parse(p.id()), null, System.nanoTime());
    }

    /** The persona it writes from in its conversation with {@code other}, whether or not it has written yet. */
    AuthorId personaWith(AuthorId other);

    /** How many entries of {@code author}'s log it holds (its head: 0 for none). */
    default long holds(AuthorId author) {
        return api().ask(new ApiRequest.Log(author.toString(), 1, 1), ApiResponse.LogView.class).head();
    }

    /** The people it holds a conversation with, message requests included, as {@code grapevine dm list} shows them. */
    default Set<AuthorId> correspondents() {
        Set<AuthorId> out = new HashSet<>();
        for (ApiResponse.Conversation c : api().ask(new ApiRequest.DmList(false), ApiResponse.Conversations.class).conversations()) {
            out.add(AuthorId.parse(c.with()));
        }
        return out;
    }

    /** Whether its conversation with {@code from} shows the message {@code entry}, as {@code grapevine dm show} would. */
    default boolean reads(AuthorId from, EntryId entry) {
        String id = entry.toString();
        return api().ask(new ApiRequest.DmShow(from.toString(), 10_000), ApiResponse.Messages.class).messages().stream()
                .anyMatch(m -> m.id().equals(id));
    }

    /** Declares a display name for itself. */
    void declareName(String name);

    /** Follows {@code other}; with {@code introduce}, also learns its address as an invite would give it. */
    void follow(TestNode other, boolean introduce);

    /** Dials {@code other} (a topology edge). */
    void dial(TestNode other);

    /** Whether it holds {@code entry} though no arrival of it was seen (it came before the post was tracked). */
    boolean holdsUnseen(EntryId entry);

    boolean hasBlob(BlobId blob);

    boolean connected();

    /**
     * Why entries of {@code feed} do or do not reach it, as the node sees it (peers named by
     * {@code nameOf}); null where the node cannot tell (a daemon).
     */
    default String explain(AuthorId feed, Function<AuthorId, String> nameOf) {
        return null;
    }

    /** Its newest posts, one line each, for {@code feeds}; {@code nameOf} names authors where the node does not. */
    List<String> feed(int limit, Function<AuthorId, String> nameOf);
}
