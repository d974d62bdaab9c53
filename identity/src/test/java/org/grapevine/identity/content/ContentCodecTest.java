package org.grapevine.identity.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.ByteWriter;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.content.Content.About;
import org.grapevine.identity.content.Content.Attachment;
import org.grapevine.identity.content.Content.Block;
import org.grapevine.identity.content.Content.Deletion;
import org.grapevine.identity.content.Content.Dropped;
import org.grapevine.identity.content.Content.Follow;
import org.grapevine.identity.content.Content.Opaque;
import org.grapevine.identity.content.Content.Post;
import org.grapevine.identity.content.Content.Reaction;
import org.grapevine.identity.log.EntryHeader;
import org.junit.jupiter.api.Test;

class ContentCodecTest {
    static AuthorId author(int n) {
        return new AuthorId(filled(n));
    }

    static EntryId entry(int n) {
        return new EntryId(filled(n));
    }

    static BlobId blob(int n) {
        return new BlobId(filled(n));
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) n);
        b[31] = (byte) (n >>> 8);
        return b;
    }

    /** One of every kind of content, with every optional part both present and absent. */
    static List<Content> samples() {
        List<AuthorId> mentions = new ArrayList<>();
        for (int i = 0; i < Content.MAX_MENTIONS; i++) mentions.add(author(i));
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < Content.MAX_ATTACHMENTS; i++) attachments.add(new Attachment(blob(i), i * 1000L, "image/png", "photo " + i + ".png"));
        return List.of(
                Post.text(""),
                Post.text("hello, grapevine 🍇"),
                Post.reply("a reply", entry(1), entry(2)),
                new Post("with everything", entry(3), entry(4), List.of(author(5), author(6)),
                        List.of(new Attachment(blob(7), 0, "text/plain", ""),
                                new Attachment(blob(8), Long.MAX_VALUE, "video/mp4", "très long métrage.mp4")),
                        "music"),
                new Post("at the limits", null, null, mentions, attachments, "c".repeat(Content.MAX_CHANNEL_BYTES)),
                new Follow(author(9), true),
                new Follow(author(9), false),
                new Block(author(10), true),
                new Block(author(10), false),
                new About("Alice", "gardener, grape grower", blob(11)),
                new About("", "", null),
                new About("n".repeat(Content.MAX_NAME_BYTES), "no avatar", null),
                new Reaction(entry(12), "👍"),
                new Reaction(entry(12), ""),
                new Deletion(entry(13), "posted by mistake"),
                new Deletion(entry(13), ""),
                new org.grapevine.identity.channel.Received(author(14), 1),
                new org.grapevine.identity.channel.Received(author(14), Long.MAX_VALUE),
                new org.grapevine.identity.channel.FreshKey(author(15).bytes()),
                new Opaque(999, new byte[] {1, 2, 3, (byte) 0xff}),
                new Opaque(42, new byte[] {0x42, 0, 0x42}),
                new Opaque(0, new byte[0]),
                new Opaque(0xffff, new byte[EntryHeader.MAX_CONTENT]));
    }

    @Test
    void everyKindRoundTripsToTheSameValueAndBytes() throws Malformed {
        for (Content c : samples()) {
            byte[] enc = ContentCodec.encode(c);
            Content back = ContentCodec.decode(c.type(), enc);
            assertEquals(c, back, c.toString());
            assertArrayEquals(enc, ContentCodec.encode(back), c.toString());
        }
    }

    @Test
    void opaqueBodiesArePassedOnByteForByte() throws Malformed {
        byte[] body = new byte[300];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 7);
        for (int type : new int[] {42, 999, 15, 0xffff}) {
            Content c = ContentCodec.decode(type, body);
            assertEquals(new Opaque(type, body), c);
            assertEquals(type, c.type());
            assertArrayEquals(body, ContentCodec.encode(c));
        }
        Opaque o = new Opaque(999, body);
        o.body()[0] ^= 1;
        assertArrayEquals(body, o.body());
    }

    @Test
    void opaqueCannotPoseAsAKnownType() {
        for (int type = Content.POST; type <= Content.DELETION; type++) {
            int t = type;
            assertThrows(IllegalArgumentException.class, () -> new Opaque(t, new byte[0]));
        }
        assertThrows(IllegalArgumentException.class, () -> new Opaque(-1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Opaque(0x10000, new byte[0]));
    }

    @Test
    void aReceivedBelowSequenceOneIsRejected() {
        byte[] body = new byte[40];
        assertThrows(Malformed.class, () -> ContentCodec.decode(Content.RECEIVED, body));
    }

    @Test
    void flagsOtherThanZeroOrOneAreRejected() {
        assertRejected(Content.FOLLOW, new ByteWriter(0).id(author(1)).u8(2));
        assertRejected(Content.BLOCK, new ByteWriter(0).id(author(1)).u8(0xff));
        assertRejected(Content.ABOUT, new ByteWriter(0).string("a").string("b").u8(2).id(blob(1)));
        assertRejected(Content.POST, new ByteWriter(0).string("t").u8(2).id(entry(1)).bool(true).id(entry(1)).varint(0).varint(0).string(""));
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(true).id(entry(1)).u8(3).id(entry(1)).varint(0).varint(0).string(""));
    }

    @Test
    void aReplyNeedsBothRootAndParent() {
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(true).id(entry(1)).bool(false).varint(0).varint(0).string(""));
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(false).bool(true).id(entry(1)).varint(0).varint(0).string(""));
        assertThrows(IllegalArgumentException.class, () -> Post.reply("t", entry(1), null));
    }

    @Test
    void trailingBytesAreRejectedForEveryKnownKind() throws Malformed {
        for (Content c : samples()) {
            if (c instanceof Opaque) continue; // an opaque body is whatever bytes there are
            byte[] enc = ContentCodec.encode(c);
            byte[] longer = Arrays.copyOf(enc, enc.length + 1);
            Malformed m = assertThrows(Malformed.class, () -> ContentCodec.decode(c.type(), longer), c.toString());
            assertTrue(m.getMessage().contains("trailing"), m.getMessage());
        }
    }

    @Test
    void everyTruncationOfAKnownKindIsRejected() {
        for (Content c : samples()) {
            if (c instanceof Opaque) continue;
            byte[] enc = ContentCodec.encode(c);
            for (int n = 0; n < enc.length; n++) {
                byte[] cut = Arrays.copyOf(enc, n);
                assertThrows(Malformed.class, () -> ContentCodec.decode(c.type(), cut), c + " cut to " + n);
            }
        }
    }

    @Test
    void tooManyMentionsOrAttachmentsAreRejected() {
        ByteWriter mentions = new ByteWriter(0).string("t").bool(false).bool(false).varint(Content.MAX_MENTIONS + 1);
        for (int i = 0; i <= Content.MAX_MENTIONS; i++) mentions.id(author(i));
        Malformed m = assertRejected(Content.POST, mentions.varint(0).string(""));
        assertTrue(m.getMessage().contains("mention count"), m.getMessage());

        ByteWriter attachments = new ByteWriter(0).string("t").bool(false).bool(false).varint(0).varint(Content.MAX_ATTACHMENTS + 1);
        for (int i = 0; i <= Content.MAX_ATTACHMENTS; i++) attachments.id(blob(i)).varint(1).string("a/b").string("f");
        assertRejected(Content.POST, attachments.string(""));

        // A count far beyond what the body holds fails on the count, before anything is sized by it.
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(false).bool(false).varint(Integer.MAX_VALUE));

        List<AuthorId> tooMany = new ArrayList<>();
        for (int i = 0; i <= Content.MAX_MENTIONS; i++) tooMany.add(author(i));
        assertThrows(IllegalArgumentException.class, () -> new Post("t", null, null, tooMany, List.of(), ""));
    }

    @Test
    void oversizeStringsAreRejected() {
        assertRejected(Content.ABOUT, new ByteWriter(0).string("n".repeat(Content.MAX_NAME_BYTES + 1)).string("").bool(false));
        // The limit counts UTF-8 bytes, not characters: 33 two-byte characters are 66 bytes.
        assertRejected(Content.ABOUT, new ByteWriter(0).string("é".repeat(33)).string("").bool(false));
        assertRejected(Content.REACTION, new ByteWriter(0).id(entry(1)).string("r".repeat(Content.MAX_REACTION_BYTES + 1)));
        assertRejected(Content.DELETION, new ByteWriter(0).id(entry(1)).string("r".repeat(Content.MAX_REASON_BYTES + 1)));
        assertRejected(Content.POST, post("t", "c".repeat(Content.MAX_CHANNEL_BYTES + 1)));
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(false).bool(false).varint(0).varint(1)
                .id(blob(1)).varint(1).string("m".repeat(Content.MAX_MEDIA_TYPE_BYTES + 1)).string("f").string(""));
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(false).bool(false).varint(0).varint(1)
                .id(blob(1)).varint(1).string("a/b").string("f".repeat(Content.MAX_FILE_NAME_BYTES + 1)).string(""));

        assertThrows(IllegalArgumentException.class, () -> new About("n".repeat(Content.MAX_NAME_BYTES + 1), "", null));
        assertThrows(IllegalArgumentException.class, () -> new Reaction(entry(1), "r".repeat(Content.MAX_REACTION_BYTES + 1)));
        assertThrows(IllegalArgumentException.class, () -> new Deletion(entry(1), "r".repeat(Content.MAX_REASON_BYTES + 1)));
        assertThrows(IllegalArgumentException.class, () -> new Attachment(blob(1), -1, "a/b", "f"));
    }

    @Test
    void bodiesOverSixteenKibibytesAreRejected() {
        byte[] big = new byte[EntryHeader.MAX_CONTENT + 1];
        assertThrows(Malformed.class, () -> ContentCodec.decode(999, big));
        assertRejected(Content.POST, post("x".repeat(EntryHeader.MAX_CONTENT), ""));
        assertThrows(IllegalArgumentException.class, () -> ContentCodec.encode(Post.text("x".repeat(EntryHeader.MAX_CONTENT))));
        assertThrows(IllegalArgumentException.class, () -> ContentCodec.encode(new Dropped(Content.POST)));
    }

    @Test
    void attachmentSizesBeyondALongAreRejected() {
        assertRejected(Content.POST, new ByteWriter(0).string("t").bool(false).bool(false).varint(0).varint(1)
                .id(blob(1)).varint(Long.MIN_VALUE).string("a/b").string("f").string(""));
    }

    @Test
    void invalidUtf8IsRejected() {
        ByteWriter w = new ByteWriter(0).blob(new byte[] {'h', (byte) 0xc3}).bool(false).bool(false).varint(0).varint(0).string("");
        Malformed m = assertRejected(Content.POST, w);
        assertTrue(m.getMessage().contains("UTF-8"), m.getMessage());
    }

    private static ByteWriter post(String text, String channel) {
        return new ByteWriter(0).string(text).bool(false).bool(false).varint(0).varint(0).string(channel);
    }

    private static Malformed assertRejected(int type, ByteWriter body) {
        return assertThrows(Malformed.class, () -> ContentCodec.decode(type, body.toByteArray()));
    }
}
