package org.grapevine.node.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.Verifier;
import org.grapevine.identity.content.Content;
import org.grapevine.identity.log.Entry;
import org.grapevine.identity.log.EntryHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Single-thread costs of the identity layer: raw Ed25519 through Bouncy Castle (the call
 * {@link Verifier} makes) and the log-entry operations built on it, with 1 KiB posts.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class CryptoBench {
    /** The size of an encoded header after the first (the largest one an entry has). */
    static final int MESSAGE_BYTES = EntryHeader.MAX_SIZE;

    private Ed25519PrivateKeyParameters secret;
    private Ed25519PublicKeyParameters publicKey;
    private byte[] message;
    private byte[] signature;
    private byte[] signatureOut;

    private Identity identity;
    private Content.Post post;
    private EntryId previous;
    private long seq;
    private Entry entry;
    private EntryHeader header;
    private byte[] headerBytes;
    private Verifier verifier;
    private byte[] envelope;

    // The sign overload taking the public key is deprecated but is the one Identity uses: the other
    // recomputes the public key on every call.
    @Setup
    @SuppressWarnings("deprecation")
    public void setup() throws Malformed {
        Random random = new Random(42);
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        secret = new Ed25519PrivateKeyParameters(seed, 0);
        publicKey = secret.generatePublicKey();
        message = new byte[MESSAGE_BYTES];
        random.nextBytes(message);
        signature = new byte[64];
        signatureOut = new byte[64];
        secret.sign(Ed25519.Algorithm.Ed25519, publicKey, null, message, 0, message.length, signature, 0);
        if (!publicKey.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0)) {
            throw new IllegalStateException("raw signature does not verify");
        }

        identity = BenchData.identity(0);
        post = BenchData.post(random);
        Entry first = Entry.create(identity, 1, null, 1_700_000_000_000L, post);
        previous = first.id();
        seq = 2;
        entry = Entry.create(identity, 2, first.id(), 1_700_000_060_000L, post);
        header = entry.header();
        headerBytes = header.encoded();
        verifier = new Verifier();
        if (!header.verifySignature(verifier)) throw new IllegalStateException("entry does not verify");
        envelope = entry.encode();
        if (!Entry.decode(envelope).equals(entry)) throw new IllegalStateException("entry does not round-trip");
    }

    /** The raw single-thread verify rate: one signature over a header-sized message, key already decoded. */
    @Benchmark
    public boolean rawVerify() {
        return publicKey.verify(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
    }

    @Benchmark
    @SuppressWarnings("deprecation")
    public byte[] rawSign() {
        secret.sign(Ed25519.Algorithm.Ed25519, publicKey, null, message, 0, message.length, signatureOut, 0);
        return signatureOut;
    }

    /** Encode a 1 KiB post, hash it, build and sign the header, decode it back (what Publisher does). */
    @Benchmark
    public Entry entrySign() {
        return Entry.create(identity, seq, previous, 1_700_000_060_000L, post);
    }

    /** Signature check of one header through a Verifier holding the author's decoded key. */
    @Benchmark
    public boolean entryVerify() throws Malformed {
        // A header remembers its verdict, so each call decodes afresh (decoding is ~1% of the cost).
        return EntryHeader.decode(headerBytes).verifySignature(verifier);
    }

    @Benchmark
    public byte[] entryEncode() {
        return entry.encode();
    }

    /** Strict decode of an envelope with 1 KiB content, including the content hash check. */
    @Benchmark
    public Entry entryDecode() throws Malformed {
        return Entry.decode(envelope);
    }
}
