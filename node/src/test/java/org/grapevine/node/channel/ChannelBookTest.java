package org.grapevine.node.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.grapevine.identity.Identity;
import org.grapevine.identity.channel.ChannelKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelBookTest {
    @TempDir
    Path dir;
    private final Identity me = Identity.generate(new SecureRandom());

    private static ChannelBook.Entry entry(List<String> admins) {
        return new ChannelBook.Entry("club", "The club", "main", "00".repeat(32), "11".repeat(32), "22".repeat(32), false, "ann",
                List.of("33".repeat(32)), admins);
    }

    @Test
    void whatIsSavedLoadsAgainAndOpensWithThisIdentityOnly() throws IOException {
        Path file = dir.resolve("channels.book");
        ChannelBook.Entry e = entry(List.of("44".repeat(32)));
        new ChannelBook(file, me).save(List.of(e));
        assertEquals(List.of(e), new ChannelBook(file, me).load());
        assertEquals(ChannelBook.VERSION, Files.readAllBytes(file)[4]);
        IOException other = assertThrows(IOException.class, () -> new ChannelBook(file, Identity.generate(new SecureRandom())).load());
        assertTrue(other.getMessage().contains("does not open with this identity's key"), other.getMessage());
    }

    @Test
    void aBookOfVersionOneReadsAsOneWithoutAdmins() throws Exception {
        String json = "[{\"handle\":\"club\",\"name\":\"The club\",\"network\":\"main\",\"root\":\"" + "00".repeat(32) + "\",\"owner\":\""
                + "11".repeat(32) + "\",\"secret\":\"" + "22".repeat(32) + "\",\"anonymous\":false,\"as\":\"ann\",\"personas\":[\"" + "33".repeat(32) + "\"]}]";
        Path file = dir.resolve("channels.book");
        Files.write(file, sealed((byte) 1, json.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(entry(List.of())), new ChannelBook(file, me).load());
    }

    @Test
    void aBookOfAnUnknownVersionOrCutShortIsRefused() throws Exception {
        Path file = dir.resolve("channels.book");
        Files.write(file, sealed((byte) 3, "[]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> new ChannelBook(file, me).load());
        Files.write(file, new byte[] {'G', 'V', 'C', 'B', 2});
        assertThrows(IOException.class, () -> new ChannelBook(file, me).load());
    }

    /** A book file as PROTOCOL.md "The channel book" lays it out, written here independently of ChannelBook. */
    private byte[] sealed(byte version, byte[] plain) throws Exception {
        byte[] magic = "GVCB".getBytes(StandardCharsets.US_ASCII);
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ChannelKeys.bookKey(me), "AES"), new GCMParameterSpec(128, nonce));
        gcm.updateAAD(magic);
        byte[] c = gcm.doFinal(plain);
        byte[] out = new byte[5 + 12 + c.length];
        System.arraycopy(magic, 0, out, 0, 4);
        out[4] = version;
        System.arraycopy(nonce, 0, out, 5, 12);
        System.arraycopy(c, 0, out, 17, c.length);
        return out;
    }
}
