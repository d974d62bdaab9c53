package org.grapevine.node;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts as people read and type them: binary units (KiB, MiB, GiB), one decimal. */
public final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-z]*)", Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 40.0 MiB}. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    /**
     * Parses plain bytes ({@code 1048576}) or a number with a binary unit ({@code 20MiB},
     * {@code 1.5 GiB}, {@code 512B}); units ignore case.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static long parse(String text) {
        String s = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) throw new IllegalArgumentException("'" + s + "' is not a size: give bytes, or a number with B, KiB, MiB or GiB (e.g. 20MiB)");
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("'" + s + "' is not a size: the unit '" + m.group(2)
                    + "' is not one of B, KiB, MiB, GiB (e.g. 20MiB)");
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.FLOOR);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) throw new IllegalArgumentException("'" + s + "' is too large");
        return bytes.longValueExact();
    }
}
