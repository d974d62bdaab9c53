package org.grapevine.node.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.grapevine.identity.log.Hashing;

/** Signed logs for store tests: fixed identities, chains with chosen timestamps, tampered copies, a full log check. */
final class Logs {
    private Logs() {}

    /** The same keypair for the same {@code n} in every run. */
    static Identity identity(int n) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) n);
        return Identity.fromSeed(seed);
    }

    /** One author's log being written: each {@code next} signs an entry on top of the previous one. */
    static final class Chain {
        final Identity author;
        private long seq;
        private EntryId previous;
        private long timestamp = 1_000;

        Chain(Identity author) {
            this.author = author;
        }

        AuthorId id() {
            return author.id();
        }

        Entry next(Content content) {
            return next(timestamp + 1, content);
        }

        Entry next(long at, Content content) {
            Entry e = Entry.create(author, seq + 1, previous, at, content);
            seq++;
            previous = e.id();
            timestamp = at;
            return e;
        }

        Entry post(String text) {
            return next(Content.Post.text(text));
        }

        Entry post(long at, String text) {
            return next(at, Content.Post.text(text));
        }

        /** Signs an entry at any position without moving the chain on: the stuff forks are made of. */
        Entry sign(long atSeq, EntryId prev, Content content) {
            return Entry.create(author, atSeq, prev, timestamp + 1, content);
        }
    }

    /** The entry with one bit of its signature flipped; it still decodes, but no longer verifies. */
    static Entry withBadSignature(Entry e) {
        byte[] bytes = e.encode();
        bytes[e.header().size() - 1] ^= 1;
        return decode(bytes);
    }

    /** The entry with its timestamp changed after signing. */
    static Entry withAlteredTimestamp(Entry e) {
        byte[] bytes = e.encode();
        int timestampOffset = 1 + 32 + 8 + (e.header().seq() > 1 ? 32 : 0);
        bytes[timestampOffset + 7] ^= 1;
        return decode(bytes);
    }

    static Entry decode(byte[] bytes) {
        try {
            return Entry.decode(bytes);
        } catch (Malformed m) {
            throw new AssertionError("tampered entry should still decode: " + m.getMessage(), m);
        }
    }

    /**
     * Reads {@code author}'s whole log from the store and checks it end to end: sequence numbers
     * contiguous from 1, each previous hash the id of the entry before, every signature, every held
     * body against its header, and every entry found again by its id. Returns the log's length.
     */
    static long verifyLog(Store store, AuthorId author) {
        Verifier verifier = new Verifier();
        long expected = 1;
        EntryId previous = null;
        while (true) {
            List<Entry> page = store.log(author, expected, 500);
            if (page.isEmpty()) break;
            for (Entry e : page) {
                EntryHeader h = e.header();
                assertEquals(author, h.author(), "author of entry " + expected);
                assertEquals(expected, h.seq(), "sequence numbers are contiguous");
                if (previous == null) assertNull(h.previous(), "first entry has no previous hash");
                else assertEquals(previous, h.previous(), "previous hash of entry " + expected);
                assertTrue(h.verifySignature(verifier), "signature of entry " + expected);
                if (e.hasContent()) {
                    byte[] body = e.content();
                    assertEquals(h.contentLength(), body.length, "content length of entry " + expected);
                    assertArrayEquals(h.contentHash(), Hashing.sha256(body), "content hash of entry " + expected);
                }
                assertEquals(e, store.get(e.id()).orElseThrow(() -> new AssertionError("id of entry " + h.seq() + " not indexed")));
                previous = e.id();
                expected++;
            }
        }
        long length = expected - 1;
        assertEquals(length, store.headSeq(author), "head sequence is the last entry of the log");
        assertEquals(previous, store.headId(author).orElse(null), "head id is the last entry of the log");
        return length;
    }
}
