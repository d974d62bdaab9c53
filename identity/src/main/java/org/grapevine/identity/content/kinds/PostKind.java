package org.grapevine.identity.content.kinds;

import java.util.ArrayList;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ByteReader;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.content.Content.Attachment;
import org.grapevine.identity.content.Content.Post;
import org.grapevine.identity.log.EntryHeader;

/**
 * Posts: text, optionally a reply (root and parent), mentions, attachments, a public topic.
 * Indexed as replies and attachments without decoding the text, since most entries are posts.
 */
public final class PostKind extends Kind<Post> {
    private static final int MAX = EntryHeader.MAX_CONTENT;

    public PostKind() {
        super(Content.POST, "post", Post.class);
    }

    @Override
    public void encode(Post p, ByteWriter w) {
        w.string(p.text());
        optional(w, p.root());
        optional(w, p.parent());
        w.varint(p.mentions().size());
        p.mentions().forEach(w::id);
        w.varint(p.attachments().size());
        for (Attachment a : p.attachments()) w.id(a.blob()).varint(a.size()).string(a.mediaType()).string(a.name());
        w.string(p.channel());
    }

    @Override
    public Post decode(ByteReader r) throws Malformed {
        String text = r.string(MAX, "text");
        EntryId root = r.bool("has root") ? r.entryId("root") : null;
        EntryId parent = r.bool("has parent") ? r.entryId("parent") : null;
        int mentionCount = r.length(Content.MAX_MENTIONS, "mention count");
        List<AuthorId> mentions = new ArrayList<>(mentionCount);
        for (int i = 0; i < mentionCount; i++) mentions.add(r.author("mention"));
        List<Attachment> attachments = attachmentList(r);
        String channel = r.string(Content.MAX_CHANNEL_BYTES, "channel");
        return new Post(text, root, parent, mentions, attachments, channel);
    }

    @Override
    public void index(AuthorId author, byte[] body, Indexing indexing) {
        EntryId root = root(body);
        if (root != null) indexing.reply(root);
        for (Attachment a : attachments(body)) indexing.attachment(a.blob());
    }

    @Override
    public List<Attachment> attachments(byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            skipToMentions(r);
            r.skip(r.length(Content.MAX_MENTIONS, "mention count") * 32, "mentions");
            return attachmentList(r);
        } catch (Malformed | IllegalArgumentException e) {
            return List.of();
        }
    }

    /** The thread root a post body names, read without decoding the text; null for no reply or a body that does not parse that far. */
    public static EntryId root(byte[] body) {
        try {
            ByteReader r = new ByteReader(body);
            r.skip(r.length(MAX, "text length"), "text");
            return r.bool("has root") ? r.entryId("root") : null;
        } catch (Malformed e) {
            return null;
        }
    }

    @Override
    public String summary(Post p, Names names) {
        return p.text();
    }

    @Override
    public List<String> lines(Post p, Names names) {
        List<String> out = new ArrayList<>();
        if (p.isReply()) out.add("↳ reply to " + names.shortId(p.parent()));
        out.addAll(List.of(p.text().split("\n", -1)));
        for (Attachment a : p.attachments()) out.add(names.attachment(a));
        return out;
    }

    @Override
    public void json(Post p, Json out) {
        if (p.isReply()) out.put("root", p.root().toString()).put("parent", p.parent().toString());
        out.putIds("mentions", p.mentions());
        out.putAttachments("attachments", p.attachments());
        if (!p.channel().isEmpty()) out.put("channel", p.channel());
    }

    private static void skipToMentions(ByteReader r) throws Malformed {
        r.skip(r.length(MAX, "text length"), "text");
        if (r.bool("has root")) r.skip(32, "root");
        if (r.bool("has parent")) r.skip(32, "parent");
    }

    private static List<Attachment> attachmentList(ByteReader r) throws Malformed {
        int count = r.length(Content.MAX_ATTACHMENTS, "attachment count");
        if (count == 0) return List.of();
        List<Attachment> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Attachment(r.blobId("attachment blob"), r.varint(Long.MAX_VALUE, "attachment size"),
                    r.string(Content.MAX_MEDIA_TYPE_BYTES, "media type"), r.string(Content.MAX_FILE_NAME_BYTES, "file name")));
        }
        return out;
    }

    private static void optional(ByteWriter w, EntryId id) {
        w.bool(id != null);
        if (id != null) w.id(id);
    }
}
