package org.grapevine.identity.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.BlobId;
import org.grapevine.identity.EntryId;
import org.junit.jupiter.api.Test;

/** The registry of content kinds: one kind per code and per name, and the effects each declares. */
class ContentKindsTest {
    private static final AuthorId ALICE = new AuthorId(new byte[32]);
    private static final EntryId TARGET = new EntryId(new byte[32]);

    @Test
    void everyKindHasItsOwnCodeAndNameAndIsFoundByBoth() {
        Set<Integer> codes = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ContentKind<?> k : ContentKinds.all()) {
            assertTrue(codes.add(k.code()), "code " + k.code());
            assertTrue(names.add(k.name()), "name " + k.name());
            assertSame(k, ContentKinds.forCode(k.code()));
            assertEquals(k.name(), ContentKinds.name(k.code()));
            assertThrows(IllegalArgumentException.class, () -> new Content.Opaque(k.code(), new byte[0]), "a known code is not opaque");
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14), codes.stream().sorted().toList());
        assertEquals("sealed", ContentKinds.name(Content.SEALED));
        assertNull(ContentKinds.forCode(15));
        assertEquals("type-300", ContentKinds.name(300));
    }

    @Test
    void onlyFollowsBlocksAndDeletionsOfThemChangeWhatANodeWants() {
        for (ContentKind<?> k : ContentKinds.all()) {
            assertEquals(k.code() == Content.FOLLOW || k.code() == Content.BLOCK || k.code() == Content.DELETION,
                    ContentKinds.changesInterest(k.code()), k.name());
        }
        assertFalse(ContentKinds.changesInterest(300));
    }

    /** Records what a kind asks of the indexes. */
    private static final class Recorded implements ContentKind.Indexing {
        final List<String> calls = new java.util.ArrayList<>();

        @Override
        public void follow(AuthorId follower, AuthorId target, boolean on) {
            calls.add("follow " + on);
        }

        @Override
        public void block(AuthorId blocker, AuthorId target, boolean on) {
            calls.add("block " + on);
        }

        @Override
        public void about(AuthorId author) {
            calls.add("about");
        }

        @Override
        public void reply(EntryId root) {
            calls.add("reply");
        }

        @Override
        public void attachment(BlobId blob) {
            calls.add("attachment");
        }

        @Override
        public void delete(AuthorId author, EntryId target) {
            calls.add("delete");
        }
    }

    private static <T extends Content> List<String> indexed(T content) {
        Recorded r = new Recorded();
        ContentKinds.of(content).index(ALICE, ContentCodec.encode(content), r);
        return r.calls;
    }

    @Test
    void eachKindDeclaresWhatStoringItChangesAndABodyThatDoesNotDecodeChangesNothing() {
        Content.Attachment photo = new Content.Attachment(new BlobId(new byte[32]), 10, "image/jpeg", "a.jpg");
        assertEquals(List.of("reply", "attachment"),
                indexed(new Content.Post("hi", TARGET, TARGET, List.of(), List.of(photo), "")));
        assertEquals(List.of(), indexed(Content.Post.text("hi")));
        assertEquals(List.of("follow false"), indexed(new Content.Follow(ALICE, false)));
        assertEquals(List.of("block true"), indexed(new Content.Block(ALICE, true)));
        assertEquals(List.of("about"), indexed(new Content.About("alice", "", null)));
        assertEquals(List.of(), indexed(new Content.Reaction(TARGET, "+1")));
        assertEquals(List.of("delete"), indexed(new Content.Deletion(TARGET, "")));

        Recorded r = new Recorded();
        ContentKinds.forCode(Content.FOLLOW).index(ALICE, new byte[] {1, 2, 3}, r);
        assertEquals(List.of(), r.calls);
        assertEquals(List.of(photo), ContentKinds.attachments(Content.POST,
                ContentCodec.encode(new Content.Post("hi", null, null, List.of(), List.of(photo), ""))));
        assertEquals(List.of(), ContentKinds.attachments(Content.POST, new byte[] {5}));
    }
}
