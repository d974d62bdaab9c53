package org.grapevine.testnet;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.node.api.ApiRequest;
import org.grapevine.node.api.ApiResponse;

/** A scenario's channel steps, done through a node's local API as the CLI does them (in this JVM, or over a daemon's socket). */
final class ChannelSteps {
    /** One node's local API. */
    interface Api {
        <T extends ApiResponse> T ask(ApiRequest request, Class<T> type);
    }

    private ChannelSteps() {}

    static void create(Api api, String name) {
        api.ask(new ApiRequest.ChannelCreate(name, name), ApiResponse.ChannelMade.class);
    }

    static String invite(Api api, String name, String address) {
        return api.ask(new ApiRequest.ChannelInvite(name, address), ApiResponse.ChannelCode.class).code();
    }

    static void join(Api api, String code, String name) {
        join(api, code, name, null);
    }

    /** Joins as {@code name}, going by {@code as} in the channel (null: the node's own name). */
    static void join(Api api, String code, String name, String as) {
        api.ask(new ApiRequest.ChannelJoin(code, name, false, as), ApiResponse.ChannelMade.class);
    }

    /** The channel as the node sees it, with the members it knows. */
    static ApiResponse.ChannelMembers members(Api api, String name) {
        return api.ask(new ApiRequest.ChannelMembers(name), ApiResponse.ChannelMembers.class);
    }

    /** Makes {@code member} (named by public id, as a user may) an admin. */
    static void admin(Api api, String name, AuthorId member) {
        api.ask(new ApiRequest.ChannelRole(name, member.toString(), true), ApiResponse.ChannelMemberChanged.class);
    }

    /** Removes {@code member} (named by public id) by a re-key. */
    static void remove(Api api, String name, AuthorId member) {
        api.ask(new ApiRequest.ChannelRemove(name, member.toString()), ApiResponse.ChannelMemberChanged.class);
    }

    /** The ids of the channel's entries the node can open, as its feed lists them. */
    static Set<EntryId> readable(Api api, String name) {
        Set<EntryId> out = new HashSet<>();
        for (ApiResponse.ChannelItem i : api.ask(new ApiRequest.ChannelFeed(name, 10_000), ApiResponse.ChannelFeed.class).items()) {
            out.add(EntryId.parse(i.id()));
        }
        return out;
    }

    /** Posts into the channel; tells {@code posted} the entry and the (encrypted) blob of its attachment. */
    static void post(Api api, String name, String text, Path attachment, TestNode.Posted posted) {
        List<String> files = attachment == null ? List.of() : List.of(attachment.toAbsolutePath().toString());
        ApiResponse.Published p = api.ask(new ApiRequest.ChannelPost(name, text, null, files), ApiResponse.Published.class);
        long at = System.nanoTime();
        BlobId blob = null;
        if (attachment != null) {
            for (ApiResponse.ChannelItem i : api.ask(new ApiRequest.ChannelFeed(name, 100), ApiResponse.ChannelFeed.class).items()) {
                if (i.id().equals(p.id()) && !i.attachments().isEmpty()) blob = BlobId.parse(i.attachments().get(0).id());
            }
        }
        posted.posted(EntryId.parse(p.id()), blob, at);
    }
}
