package org.grapevine.identity.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.Malformed;
import org.grapevine.identity.blob.BlobHasher;

/**
 * A channel attachment is encrypted before it becomes a blob (docs/PROTOCOL.md, "Channel
 * blobs"): a random key per blob; the file padded with zero bytes to a multiple of {@value
 * #PAD} bytes (at least one); cut into chunks of {@value #PLAIN_CHUNK} bytes, each sealed with
 * AES-256-GCM under the nonce {@code 00000000 | chunk index u64}, so that each ciphertext chunk
 * with its 16-byte tag is exactly one blob chunk of {@value BlobHasher#CHUNK_SIZE} bytes (the last
 * may be shorter). The blob id is that of the ciphertext: swarming, resuming and checking chunks
 * work as for any blob, and only members, who get the key and the real size in the sealed post,
 * can read it.
 */
public final class ChannelBlobs {
    public static final int KEY_BYTES = 32;
    public static final int TAG_BYTES = 16;
    public static final int PLAIN_CHUNK = BlobHasher.CHUNK_SIZE - TAG_BYTES;
    public static final int PAD = 65_536;
    /** The largest file: its ciphertext stays within the protocol's 2^36-byte blob. */
    public static final long MAX_SIZE = ((1L << 36) / BlobHasher.CHUNK_SIZE) * PLAIN_CHUNK;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChannelBlobs() {}

    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The size a file of {@code size} bytes is padded to before encryption. */
    public static long paddedSize(long size) {
        if (size < 0 || size > MAX_SIZE) throw new IllegalArgumentException("a channel blob holds 0 to " + MAX_SIZE + " bytes, not " + size);
        long padded = Math.max(PAD, (size + PAD - 1) / PAD * PAD);
        return Math.min(padded, MAX_SIZE);
    }

    /** The size of the blob (the ciphertext) for a file of {@code size} bytes. */
    public static long encryptedSize(long size) {
        long padded = paddedSize(size);
        long chunks = (padded + PLAIN_CHUNK - 1) / PLAIN_CHUNK;
        return padded + chunks * TAG_BYTES;
    }

    /** Encrypts {@code size} bytes from {@code in} into {@code out}; the bytes written are the blob. */
    public static void encrypt(InputStream in, long size, byte[] key, OutputStream out) throws IOException {
        long padded = paddedSize(size);
        byte[] chunk = new byte[PLAIN_CHUNK];
        long read = 0;
        for (long index = 0, at = 0; at < padded; index++, at += PLAIN_CHUNK) {
            int len = (int) Math.min(PLAIN_CHUNK, padded - at);
            int fill = 0;
            while (fill < len && read < size) {
                int n = in.read(chunk, fill, (int) Math.min(len - fill, size - read));
                if (n < 0) throw new IOException("the file ended after " + read + " of " + size + " bytes");
                fill += n;
                read += n;
            }
            java.util.Arrays.fill(chunk, fill, len, (byte) 0);
            out.write(crypt(Cipher.ENCRYPT_MODE, key, index, chunk, len));
        }
    }

    /**
     * The plaintext of blob chunk {@code index} (a whole ciphertext chunk as stored), without the
     * padding past a file of {@code size} bytes.
     */
    public static byte[] decryptChunk(byte[] ciphertext, int len, long index, byte[] key, long size) throws Malformed {
        byte[] plain;
        try {
            plain = crypt(Cipher.DECRYPT_MODE, key, index, ciphertext, len);
        } catch (IllegalStateException e) {
            throw new Malformed("chunk " + index + " does not open with this key");
        }
        long start = index * PLAIN_CHUNK;
        int keep = (int) Math.max(0, Math.min(plain.length, size - start));
        return keep == plain.length ? plain : java.util.Arrays.copyOf(plain, keep);
    }

    private static byte[] crypt(int mode, byte[] key, long index, byte[] input, int len) {
        byte[] nonce = new byte[12];
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (index >>> (56 - 8 * i));
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            return gcm.doFinal(input, 0, len);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("its tag does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed: " + e, e);
        }
    }
}
