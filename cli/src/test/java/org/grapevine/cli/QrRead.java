package org.grapevine.cli;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.List;
import java.util.Map;

/** Reads a QR code drawn in half blocks back, as a camera would: into pixels, then an independent decoder. */
final class QrRead {
    private static final int SCALE = 4;

    private QrRead() {}

    static String text(List<String> lines) throws Exception {
        List<String> bare = lines.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList();
        int width = bare.get(0).length();
        int height = bare.size() * 2;
        int[] pixels = new int[width * SCALE * height * SCALE];
        for (int row = 0; row < bare.size(); row++) {
            String l = bare.get(row);
            if (l.length() != width) throw new AssertionError("line " + row + " is " + l.length() + " wide, not " + width);
            for (int x = 0; x < width; x++) {
                char c = l.charAt(x);
                boolean top = c == '\u2588' || c == '\u2580';
                boolean bottom = c == '\u2588' || c == '\u2584';
                if (!top && !bottom && c != ' ') throw new AssertionError("unexpected character " + (int) c);
                paint(pixels, width * SCALE, x, row * 2, top);
                paint(pixels, width * SCALE, x, row * 2 + 1, bottom);
            }
        }
        RGBLuminanceSource source = new RGBLuminanceSource(width * SCALE, height * SCALE, pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
    }

    private static void paint(int[] pixels, int stride, int x, int y, boolean dark) {
        int colour = dark ? 0xff000000 : 0xffffffff;
        for (int dy = 0; dy < SCALE; dy++) {
            for (int dx = 0; dx < SCALE; dx++) pixels[(y * SCALE + dy) * stride + x * SCALE + dx] = colour;
        }
    }
}
