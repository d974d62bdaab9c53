package org.grapevine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.identity.AuthorId;
import org.grapevine.identity.channel.ChannelInvite;
import org.junit.jupiter.api.Test;

class QrTextTest {
    private static byte[] random(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return b;
    }

    /** An invite as big as one to a channel with two admins, from a node on a LAN. */
    private static String invite() {
        Random r = new Random(5);
        AuthorId owner = new AuthorId(random(r));
        String address = new PeerAddress("192.168.178.123", 21802, new AuthorId(random(r))).toString();
        return new ChannelInvite("main", "Ann & Bo's wedding", random(r), owner, random(r), List.of(owner, new AuthorId(random(r))), List.of(address)).encode();
    }

    @Test
    void aDrawnInviteReadsBackAsTheCodeInEitherForm() throws Exception {
        String code = invite();
        for (boolean ansi : new boolean[] {false, true}) {
            List<String> lines = QrText.lines(QrText.encode(code), ansi);
            assertEquals(code, QrRead.text(lines), ansi ? "with colours" : "bare");
        }
    }

    @Test
    void anInviteFitsAnEightyColumnTerminal() {
        List<String> lines = QrText.lines(QrText.encode(invite()), false);
        assertTrue(lines.get(0).length() <= 80, lines.get(0).length() + " columns");
        assertTrue(lines.size() <= 45, lines.size() + " lines");
    }
}
