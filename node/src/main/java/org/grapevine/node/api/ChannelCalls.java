package org.grapevine.node.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.channel.ChannelBlobs;
import org.grapevine.identity.channel.ChannelInvite;
import org.grapevine.identity.channel.Sealing;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.ContentKinds;
import org.grapevine.node.Node;
import org.grapevine.node.blob.BlobException;
import org.grapevine.node.blob.BlobStore;
import org.grapevine.node.blob.MediaTypes;
import org.grapevine.node.channel.ChannelProtocol;

/**
 * The local API's channel calls. Channels need the running daemon: it holds the identity their
 * personas come from, and only it can prove membership to peers.
 */
final class ChannelCalls {
    private final Node node;

    ChannelCalls(Node node) {
        this.node = node;
    }

    private <T> T call(Function<ChannelProtocol, T> f) {
        if (node == null) throw new IllegalStateException("channels need the running daemon: start 'grapevine daemon' first");
        return LocalApi.await(node.channels(f));
    }

    ApiResponse create(ApiRequest.ChannelCreate r) {
        String name = r.name() == null || r.name().isBlank() ? r.handle() : r.name().strip();
        return new ApiResponse.ChannelMade(channel(call(c -> {
            c.create(r.handle(), name, node.config().network().name());
            return c.summary(r.handle());
        })));
    }

    ApiResponse invite(ApiRequest.ChannelInvite r) {
        List<String> addresses = new ArrayList<>();
        if (r.address() != null) addresses.add(PeerAddress.parse(r.address()).toString());
        ChannelInvite invite = call(c -> c.invite(r.handle(), addresses));
        return new ApiResponse.ChannelCode(invite.encode(), invite.channel().toString());
    }

    ApiResponse join(ApiRequest.ChannelJoin r) {
        ChannelInvite invite;
        try {
            invite = ChannelInvite.parse(r.code());
        } catch (Malformed e) {
            return new ApiResponse.Failed(e.getMessage(), LocalApi.USAGE);
        }
        if (node == null) throw new IllegalStateException("channels need the running daemon: start 'grapevine daemon' first");
        String network = node.config().network().name();
        if (!network.equals(invite.network())) {
            throw new IllegalStateException("the invite is for network '" + invite.network() + "' but the daemon runs '" + network
                    + "': restart it with --network " + invite.network());
        }
        String handle = r.handle() != null ? r.handle() : handleFor(invite.name());
        ApiResponse.Channel made = channel(call(c -> {
            c.join(invite, handle, r.anonymous(), r.as() == null ? "" : r.as().strip());
            return c.summary(handle);
        }));
        for (String a : invite.addresses()) {
            try {
                node.addPeer(PeerAddress.parse(a), PeerTable.Source.INVITE);
            } catch (IllegalArgumentException bad) {
                // An address this node cannot read: the others may do.
            }
        }
        return new ApiResponse.ChannelMade(made);
    }

    /** A local handle from a channel's display name: lower case, other characters as '-', at most 32. */
    static String handleFor(String name) {
        String h = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-._]+|[-._]+$", "");
        if (h.length() > 32) h = h.substring(0, 32).replaceAll("[-._]+$", "");
        return h.isEmpty() ? "channel" : h;
    }

    ApiResponse list() {
        return new ApiResponse.ChannelList(call(ChannelProtocol::list).stream().map(ChannelCalls::channel).toList());
    }

    ApiResponse leave(ApiRequest.ChannelLeave r) {
        ApiResponse.Channel gone = channel(call(c -> {
            ChannelProtocol.Summary s = c.summary(r.handle());
            c.leave(r.handle());
            return s;
        }));
        return new ApiResponse.ChannelMade(gone);
    }

    ApiResponse members(ApiRequest.ChannelMembers r) {
        record Both(ChannelProtocol.Summary summary, List<ChannelProtocol.Member> members) {}
        Both b = call(c -> new Both(c.summary(r.handle()), c.members(r.handle())));
        return new ApiResponse.ChannelMembers(channel(b.summary()), b.members().stream().map(ChannelCalls::member).toList());
    }

    private static ApiResponse.ChannelMember member(ChannelProtocol.Member m) {
        return new ApiResponse.ChannelMember(m.persona().toString(), m.name(), m.member() == null ? null : m.member().toString(), m.owner(), m.admin());
    }

    ApiResponse role(ApiRequest.ChannelRole r) {
        record Done(ChannelProtocol.Summary summary, ChannelProtocol.Member member) {}
        Done d = call(c -> {
            ChannelProtocol.Member m = named(c, r.handle(), r.member());
            c.role(r.handle(), m.persona(), r.admin());
            AuthorId persona = m.persona();
            return new Done(c.summary(r.handle()), c.members(r.handle()).stream().filter(x -> x.persona().equals(persona)).findFirst().orElse(m));
        });
        return new ApiResponse.ChannelMemberChanged(channel(d.summary()), member(d.member()));
    }

    ApiResponse remove(ApiRequest.ChannelRemove r) {
        record Done(ChannelProtocol.Summary summary, ChannelProtocol.Member member) {}
        Done d = call(c -> {
            ChannelProtocol.Member m = named(c, r.handle(), r.member());
            c.remove(r.handle(), m.persona());
            return new Done(c.summary(r.handle()), m);
        });
        return new ApiResponse.ChannelMemberChanged(channel(d.summary()), member(d.member()));
    }

    ApiResponse hide(ApiRequest.ChannelHide r) {
        ChannelProtocol.Item item = replied(r.handle(), r.entry());
        call(c -> {
            c.hide(r.handle(), item.entry().id());
            return null;
        });
        return new ApiResponse.Done();
    }

    /**
     * The member {@code text} names in the channel: the name they go by, their public id or
     * persona id, or a unique prefix of either (at least 6 characters after '@').
     */
    private static ChannelProtocol.Member named(ChannelProtocol c, String handle, String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) throw new IllegalArgumentException("say which member: the name they go by, or their id");
        List<ChannelProtocol.Member> all = c.members(handle);
        List<ChannelProtocol.Member> found = all.stream().filter(m -> m.name().equals(s)).toList();
        if (found.isEmpty() && s.startsWith("@")) {
            if (s.length() < 7) throw new IllegalArgumentException("id prefix '" + s + "' is too short: give at least 6 characters after '@'");
            found = all.stream().filter(m -> m.persona().toString().startsWith(s) || (m.member() != null && m.member().toString().startsWith(s))).toList();
        }
        if (found.isEmpty()) throw new IllegalArgumentException("no member of " + handle + " goes by or has the id '" + s + "' ('grapevine channel members " + handle + "' lists them)");
        if (found.size() > 1) throw new IllegalArgumentException("several members of " + handle + " match '" + s + "': give their id");
        return found.get(0);
    }

    ApiResponse feed(ApiRequest.ChannelFeed r) {
        if (r.limit() < 1 || r.limit() > 10_000) return new ApiResponse.Failed("the limit must be between 1 and 10000, not " + r.limit(), LocalApi.USAGE);
        record All(ChannelProtocol.Summary summary, List<ChannelProtocol.Item> items, List<ChannelProtocol.Member> members) {}
        All all = call(c -> new All(c.summary(r.handle()), c.entries(r.handle()), c.members(r.handle())));
        Map<org.grapevine.identity.AuthorId, ChannelProtocol.Member> byPersona = all.members().stream()
                .collect(Collectors.toMap(ChannelProtocol.Member::persona, m -> m, (a, b) -> a));
        BlobStore files = node.blobFiles();
        List<ApiResponse.ChannelItem> items = new ArrayList<>();
        List<ChannelProtocol.Item> newestFirst = new ArrayList<>(all.items());
        java.util.Collections.reverse(newestFirst);
        // Where members' nodes are is for the nodes, not for reading.
        newestFirst.removeIf(i -> i.content() instanceof org.grapevine.identity.channel.Reachable);
        for (ChannelProtocol.Item i : newestFirst.subList(0, Math.min(r.limit(), newestFirst.size()))) {
            ChannelProtocol.Member m = byPersona.get(i.persona());
            String text = "";
            String reply = null;
            List<ApiResponse.ChannelAttachment> attachments = new ArrayList<>();
            if (i.content() instanceof Content.Post p) {
                text = p.text();
                reply = p.parent() == null ? null : p.parent().toString();
                attachments = attachments(i, p, files);
            } else if (ContentKinds.of(i.content()) != null) {
                text = ContentKinds.summary(i.content(), new PlainNames());
            }
            items.add(new ApiResponse.ChannelItem(i.entry().id().toString(), i.persona().toString(), m == null || m.member() == null ? null : m.member().toString(),
                    m == null ? "" : m.name(), i.entry().header().seq(), i.entry().header().timestamp(), ContentKinds.name(i.content().type()), text,
                    reply, attachments));
        }
        return new ApiResponse.ChannelFeed(channel(all.summary()), items);
    }

    /** The attachments of {@code p}, an item's post: each as held here, with the key that opens it. */
    static List<ApiResponse.ChannelAttachment> attachments(ChannelProtocol.Item i, Content.Post p, BlobStore files) {
        Map<BlobId, Sealing.BlobKey> keys = i.keys().stream().collect(Collectors.toMap(Sealing.BlobKey::blob, k -> k, (a, b) -> a));
        List<ApiResponse.ChannelAttachment> out = new ArrayList<>();
        for (Content.Attachment a : p.attachments()) {
            Optional<BlobStore.Held> held = files.held(a.blob());
            boolean here = held.map(BlobStore.Held::complete).orElse(false);
            Sealing.BlobKey k = keys.get(a.blob());
            out.add(new ApiResponse.ChannelAttachment(a.blob().toString(), a.name(), a.size(), a.mediaType(), here,
                    here ? files.path(a.blob()).map(Path::toString).orElse(null) : null, k == null ? null : HexFormat.of().formatHex(k.key())));
        }
        return out;
    }

    ApiResponse post(ApiRequest.ChannelPost r, BlobCalls blobs) {
        if (node == null) throw new IllegalStateException("channels need the running daemon: start 'grapevine daemon' first");
        String text = r.text() == null ? "" : r.text();
        List<String> paths = r.attach() == null ? List.of() : r.attach();
        if (text.isBlank() && paths.isEmpty()) return new ApiResponse.Failed("nothing to post: the text is empty", LocalApi.USAGE);
        Content.Post.text(text); // its limits, before any file is encrypted
        call(c -> c.summary(r.handle())); // the channel exists, before any file is encrypted
        EntryId parent = null;
        EntryId root = null;
        if (r.reply() != null) {
            ChannelProtocol.Item replied = replied(r.handle(), r.reply());
            parent = replied.entry().id();
            root = replied.content() instanceof Content.Post p && p.isReply() ? p.root() : parent;
        }
        List<Path> files = new ArrayList<>();
        for (String p : paths) files.add(blobs.checked(p));
        List<Content.Attachment> attachments = new ArrayList<>();
        List<Sealing.BlobKey> keys = new ArrayList<>();
        for (Path file : files) {
            Sealing.BlobKey key = encryptAndAdd(file);
            keys.add(key);
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            attachments.add(new Content.Attachment(key.blob(), key.size(), MediaTypes.of(file), name));
        }
        Content.Post post = new Content.Post(text, root, parent, List.of(), attachments, "");
        var entry = call(c -> c.post(r.handle(), post, keys));
        return new ApiResponse.Published(entry.id().toString(), entry.header().seq(), java.util.Base64.getEncoder().encodeToString(entry.encode()));
    }

    private ChannelProtocol.Item replied(String handle, String text) {
        String s = text.strip();
        List<ChannelProtocol.Item> found = call(c -> c.entries(handle)).stream()
                .filter(i -> i.entry().id().toString().startsWith(s)).toList();
        if (s.length() < 7) throw new IllegalArgumentException("entry id prefix '" + s + "' is too short: give at least 6 characters after '%'");
        if (found.isEmpty()) throw new IllegalStateException("no entry of this channel has an id starting with " + s);
        if (found.size() > 1) throw new IllegalStateException("several entries have ids starting with " + s + ": type more of it");
        return found.get(0);
    }

    /** Encrypts {@code file} with a fresh key beside the blob files and adds the ciphertext as a blob. */
    Sealing.BlobKey encryptAndAdd(Path file) {
        BlobStore files = node.blobFiles();
        byte[] key = ChannelBlobs.newKey();
        Path temp = null;
        try {
            long size = Files.size(file);
            Path dir = Files.createDirectories(node.home().blobDir());
            temp = Files.createTempFile(dir, ".channel-", ".tmp");
            try (InputStream in = Files.newInputStream(file); OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 20)) {
                ChannelBlobs.encrypt(in, size, key, out);
            }
            BlobStore.Held held = files.add(temp);
            return new Sealing.BlobKey(held.id(), key, size);
        } catch (BlobException e) {
            throw new IllegalStateException(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encrypt " + file + ": " + e.getMessage());
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // A leftover temporary file in the blob folder; the next start sweeps nothing of it, but it is harmless.
                }
            }
        }
    }

    private static ApiResponse.Channel channel(ChannelProtocol.Summary s) {
        return new ApiResponse.Channel(s.handle(), s.name(), s.id().toString(), s.network(), s.personas(), s.owner(), s.admin(), s.removed());
    }

    /** Names for summaries of channel entries: short ids only. */
    private static final class PlainNames implements org.grapevine.identity.content.ContentKind.Names {
        @Override
        public String who(org.grapevine.identity.AuthorId author) {
            return shortId(author);
        }

        @Override
        public String shortId(Object id) {
            String s = id.toString();
            return s.substring(0, Math.min(11, s.length()));
        }

        @Override
        public String attachment(Content.Attachment a) {
            return a.name();
        }
    }
}
