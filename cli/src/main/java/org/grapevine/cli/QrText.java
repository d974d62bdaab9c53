package org.grapevine.cli;

import io.nayuki.qrcodegen.QrCode;
import java.util.ArrayList;
import java.util.List;

/**
 * A QR code drawn with text, for a phone to read off a terminal: two rows of modules per line
 * of half blocks, with a quiet zone around. On a terminal the lines set black on white
 * themselves, so that the code reads the right way round whatever the terminal's colours;
 * elsewhere (a file, a pipe) they are the bare characters, dark modules drawn.
 */
public final class QrText {
    /** Light modules around the code; the standard asks for 4, phones read 2 off a screen. */
    static final int QUIET = 2;
    private static final String INK = "\u001b[30;47m";
    private static final String RESET = "\u001b[0m";

    private QrText() {}

    /** The code of {@code text} (error correction at least low, raised where it costs no size). */
    public static QrCode encode(String text) {
        return QrCode.encodeText(text, QrCode.Ecc.LOW);
    }

    /** The lines that draw {@code qr}, with colours for a terminal when {@code ansi}. */
    public static List<String> lines(QrCode qr, boolean ansi) {
        List<String> out = new ArrayList<>();
        int from = -QUIET;
        int to = qr.size + QUIET;
        for (int y = from; y < to; y += 2) {
            StringBuilder line = new StringBuilder(ansi ? INK : "");
            for (int x = from; x < to; x++) {
                boolean top = dark(qr, x, y);
                boolean bottom = y + 1 < to && dark(qr, x, y + 1);
                line.append(top ? (bottom ? '\u2588' : '\u2580') : (bottom ? '\u2584' : ' '));
            }
            if (ansi) line.append(RESET);
            out.add(line.toString());
        }
        return out;
    }

    private static boolean dark(QrCode qr, int x, int y) {
        return x >= 0 && y >= 0 && x < qr.size && y < qr.size && qr.getModule(x, y);
    }
}
