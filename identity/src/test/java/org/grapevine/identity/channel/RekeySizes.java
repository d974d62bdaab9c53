package org.grapevine.identity.channel;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.ChannelId;
import org.grapevine.identity.EntryId;
import org.grapevine.identity.Identity;
import org.grapevine.identity.keys.X25519KeyPair;
import org.grapevine.identity.log.Entry;

/**
 * Prints how big the entries of a re-key are, whole (header, signature and sealed body), for
 * channels of a few sizes. Run it with {@code bench/rekey-sizes}.
 */
public final class RekeySizes {
    private RekeySizes() {}

    public static void main(String[] args) {
        SecureRandom random = new SecureRandom();
        byte[] first = new byte[ChannelKeys.SECRET_BYTES];
        random.nextBytes(first);
        Identity admin = Identity.generate(random);
        ChannelId channel = ChannelKeys.id(ChannelKeys.root(first), admin.id());
        ChannelKeys.Epoch old = ChannelKeys.epoch(first, channel);
        for (int members : new int[] {10, 100, 128, 129, 300}) {
            Map<AuthorId, byte[]> admitted = new LinkedHashMap<>();
            for (int i = 0; i < members; i++) admitted.put(Identity.generate(random).id(), X25519KeyPair.generate().publicKey());
            byte[] secret = new byte[ChannelKeys.SECRET_BYTES];
            random.nextBytes(secret);
            StringBuilder line = new StringBuilder(String.format("%4d members:", members));
            long seq = 2;
            for (Rekey part : Rekey.seal(channel, secret, admitted)) {
                Sealed sealed = Sealing.seal(part, List.of(), old, new Sealing.Place(channel, admin.id(), seq));
                Entry e = Entry.create(admin, seq++, new EntryId(new byte[32]), System.currentTimeMillis(), sealed);
                line.append(String.format(" %,d B", e.encode().length));
            }
            System.out.println(line);
        }
    }
}
