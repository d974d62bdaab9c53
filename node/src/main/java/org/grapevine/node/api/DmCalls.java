package org.grapevine.node.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;
import org.grapevine.node.channel.ChannelProtocol;
import org.grapevine.node.store.Store;

/**
 * The local API's calls for conversations between two people. Like channels, they need the
 * running daemon: it holds the conversations' secrets and is the node the other side reaches.
 */
final class DmCalls {
    private final Node node;
    private final Store store;
    private final ChannelCalls channels;

    DmCalls(Node node, Store store, ChannelCalls channels) {
        this.node = node;
        this.store = store;
        this.channels = channels;
    }

    private <T> T call(Function<ChannelProtocol, T> f) {
        if (node == null) throw new IllegalStateException("messages need the running daemon: start 'grapevine daemon' first");
        return LocalApi.await(node.channels(f));
    }

    ApiResponse send(ApiRequest.DmSend r, BlobCalls blobs) {
        if (node == null) throw new IllegalStateException("messages need the running daemon: start 'grapevine daemon' first");
        AuthorId to = AuthorId.parse(r.to());
        String text = r.text() == null ? "" : r.text();
        List<String> paths = r.attach() == null ? List.of() : r.attach();
        if (text.isBlank() && paths.isEmpty()) return new ApiResponse.Failed("nothing to send: the text is empty", LocalApi.USAGE);
        if (to.equals(node.id())) return new ApiResponse.Failed("a message to yourself goes nowhere: write a note with 'post' instead", LocalApi.USAGE);
        Content.Post.text(text); // its limits, before any file is encrypted
        List<Content.Attachment> attachments = new ArrayList<>();
        List<Sealing.BlobKey> keys = new ArrayList<>();
        for (String p : paths) {
            Path file = blobs.checked(p);
            Sealing.BlobKey key = channels.encryptAndAdd(file);
            keys.add(key);
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            attachments.add(new Content.Attachment(key.blob(), key.size(), MediaTypes.of(file), name));
        }
        Content.Post post = new Content.Post(text, null, null, List.of(), attachments, "");
        var entry = call(c -> c.message(to, post, keys));
        return new ApiResponse.Published(entry.id().toString(), entry.header().seq(), java.util.Base64.getEncoder().encodeToString(entry.encode()));
    }

    ApiResponse list(ApiRequest.DmList r) {
        List<ChannelProtocol.Conversation> all = call(ChannelProtocol::conversations);
        List<ApiResponse.Conversation> out = new ArrayList<>();
        Map<String, ApiResponse.Name> names = new LinkedHashMap<>();
        for (ChannelProtocol.Conversation c : all) {
            if (r.requests() && !c.request()) continue;
            ChannelProtocol.Item last = c.last();
            out.add(new ApiResponse.Conversation(c.with().toString(), c.request(), c.sent(), c.received(), c.unread(),
                    last == null ? null : text(last), last == null ? 0 : last.entry().header().timestamp(), c.lastMine(), c.delivered()));
            names.put(c.with().toString(), LocalApi.name(store, c.with()));
        }
        return new ApiResponse.Conversations(out, names);
    }

    ApiResponse show(ApiRequest.DmShow r) {
        if (r.limit() < 1 || r.limit() > 10_000) return new ApiResponse.Failed("the limit must be between 1 and 10000, not " + r.limit(), LocalApi.USAGE);
        AuthorId with = AuthorId.parse(r.with());
        record Both(List<ChannelProtocol.Item> items, List<Boolean> mine, List<Boolean> delivered, boolean request) {}
        Both b = call(c -> {
            List<ChannelProtocol.Item> items = c.conversation(with, true);
            items = items.subList(Math.max(0, items.size() - r.limit()), items.size());
            long acknowledged = c.acknowledged(with);
            List<Boolean> mine = new ArrayList<>();
            List<Boolean> delivered = new ArrayList<>();
            for (ChannelProtocol.Item i : items) {
                boolean m = c.isMine(i);
                mine.add(m);
                delivered.add(m && i.entry().header().seq() <= acknowledged);
            }
            return new Both(items, mine, delivered, c.isRequest(with));
        });
        BlobStore files = node.blobFiles();
        List<ApiResponse.Message> out = new ArrayList<>();
        for (int n = 0; n < b.items().size(); n++) {
            ChannelProtocol.Item i = b.items().get(n);
            List<ApiResponse.ChannelAttachment> attachments = i.content() instanceof Content.Post p ? ChannelCalls.attachments(i, p, files) : List.of();
            out.add(new ApiResponse.Message(i.entry().id().toString(), b.mine().get(n), i.entry().header().timestamp(), text(i), attachments, b.delivered().get(n)));
        }
        return new ApiResponse.Messages(with.toString(), b.request(), out, Map.of(with.toString(), LocalApi.name(store, with)));
    }

    ApiResponse accept(ApiRequest.DmAccept r) {
        AuthorId with = AuthorId.parse(r.with());
        call(c -> {
            c.accept(with);
            return null;
        });
        return new ApiResponse.Done();
    }

    private static String text(ChannelProtocol.Item i) {
        return i.content() instanceof Content.Post p ? p.text() : "";
    }
}
