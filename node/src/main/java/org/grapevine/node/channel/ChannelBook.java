package org.grapevine.node.channel;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.Identity;
import org.grapevine.identity.channel.ChannelKeys;

/**
 * The channels a node holds, with their secrets: {@code data/channels.book}, AES-256-GCM under
 * a key derived from the identity's seed (so the file is as safe as the key, and a node that
 * cannot unlock the identity cannot read it), written whole to a temporary file and moved into
 * place. Format: {@code "GVCB" | version u8 (2) | nonce [12] | ciphertext of the JSON list}.
 */
public final class ChannelBook {
    private static final byte[] MAGIC = "GVCB".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 2 added {@code admins}; a book of version 1 reads as one without admins. */
    static final byte VERSION = 2;

    /**
     * One channel as kept: the local handle, its display name, network, root, owner persona (hex),
     * the secret of the epoch the node started from (hex; later epochs come from re-keys in the
     * store), whether the user joined anonymously, the name the persona goes by, the personas
     * known to be members (hex), the personas the invite named as owner or admins (hex), and for a
     * conversation what only a conversation has (null for a channel).
     */
    public record Entry(String handle, String name, String network, String root, String owner, String secret,
                        boolean anonymous, String as, List<String> personas, List<String> admins, Dm dm) {
        public Entry {
            personas = List.copyOf(personas);
            admins = admins == null ? List.of() : List.copyOf(admins);
        }

        public Entry(String handle, String name, String network, String root, String owner, String secret,
                     boolean anonymous, String as, List<String> personas, List<String> admins) {
            this(handle, name, network, root, owner, secret, anonymous, as, personas, admins, null);
        }

        Entry withPersonas(List<String> all) {
            return new Entry(handle, name, network, root, owner, secret, anonymous, as, all, admins, dm);
        }

        Entry withDm(Dm changed) {
            return new Entry(handle, name, network, root, owner, secret, anonymous, as, personas, admins, changed);
        }
    }

    /**
     * A conversation's own: the other person's id (text form), the time of the newest message the
     * user has read, whether the user took it up (wrote first, answered or accepted: no longer a
     * message request), this node's fresh X25519 private keys still kept (hex, oldest first), and
     * the secrets of the epochs made from fresh keys so far (hex), kept so that what was said
     * under them stays readable once the private keys are gone, and how many fresh keys of the
     * other side this node had read when it last posted one.
     */
    public record Dm(String with, long read, boolean accepted, List<String> fresh, List<String> derived, int theirsSeen) {
        public Dm {
            fresh = fresh == null ? List.of() : List.copyOf(fresh);
            derived = derived == null ? List.of() : List.copyOf(derived);
        }

        Dm withRead(long timestamp) {
            return new Dm(with, timestamp, accepted, fresh, derived, theirsSeen);
        }

        Dm withAccepted() {
            return new Dm(with, read, true, fresh, derived, theirsSeen);
        }

        Dm withFresh(List<String> keys, int seen) {
            return new Dm(with, read, accepted, keys, derived, seen);
        }

        Dm withDerived(List<String> secrets) {
            return new Dm(with, read, accepted, fresh, secrets, theirsSeen);
        }
    }

    private final Path file;
    private final byte[] key;

    public ChannelBook(Path file, Identity identity) {
        this.file = file;
        this.key = ChannelKeys.bookKey(identity);
    }

    /** The channels held; none when the file does not exist yet. */
    public List<Entry> load() throws IOException {
        if (!Files.exists(file)) return List.of();
        byte[] all = Files.readAllBytes(file);
        if (all.length < MAGIC.length + 1 + 12 + 16 || !Arrays.equals(Arrays.copyOf(all, 4), MAGIC) || all[4] < 1 || all[4] > VERSION) {
            throw new IOException(file + " is not a channel book of this version");
        }
        byte[] plain;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, all, 5, 12));
            gcm.updateAAD(MAGIC);
            plain = gcm.doFinal(all, 17, all.length - 17);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " does not open with this identity's key (another identity's, or damaged)");
        }
        return new ArrayList<>(List.of(JSON.readValue(plain, Entry[].class)));
    }

    public void save(List<Entry> entries) throws IOException {
        byte[] plain = JSON.writeValueAsBytes(entries);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(MAGIC);
            sealed = gcm.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        byte[] out = new byte[5 + 12 + sealed.length];
        System.arraycopy(MAGIC, 0, out, 0, 4);
        out[4] = VERSION;
        System.arraycopy(nonce, 0, out, 5, 12);
        System.arraycopy(sealed, 0, out, 17, sealed.length);
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temp, out);
        try (var ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
