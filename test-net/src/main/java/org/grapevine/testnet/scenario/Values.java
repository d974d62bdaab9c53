package org.grapevine.testnet.scenario;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Numbers with units as scripts write them (durations, sizes, percentages), read and written back. */
final class Values {
    static final Duration MAX_DURATION = Duration.ofHours(24);
    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)([a-z%]*)", Pattern.CASE_INSENSITIVE);
    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private Values() {}

    /** True if {@code word} is a unit a duration or size could have, so a space before it was a slip. */
    static boolean isUnit(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "ms", "s", "m", "b", "kib", "mib", "gib", "kb", "mb", "gb" -> true;
            default -> false;
        };
    }

    /** {@code 30ms}, {@code 1.5s}, {@code 2m}: whole milliseconds, at most 24 hours. */
    static Duration duration(String word, String what) {
        Matcher m = AMOUNT.matcher(word);
        if (!m.matches()) throw new LineError(what + " must be a number with a unit like 30ms, 1.5s or 2m, not '" + word + "'");
        long unitMillis = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "" -> throw new LineError(what + " '" + word + "' has no unit: write " + word + "ms, " + word + "s or " + word + "m");
            default -> throw new LineError(what + " '" + word + "' has an unknown unit '" + m.group(2) + "' (use ms, s or m)");
        };
        BigDecimal millis = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis));
        if (millis.compareTo(BigDecimal.valueOf(MAX_DURATION.toMillis())) > 0) {
            throw new LineError(what + " " + word + " is longer than 24 hours");
        }
        if (millis.stripTrailingZeros().scale() > 0) {
            throw new LineError(what + " " + word + " is not a whole number of milliseconds");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** {@code 512B}, {@code 2MiB}, {@code 1.5GiB}; KB, MB and GB are powers of 1000. Fractions of a byte round down. */
    static long size(String word, String what, long max) {
        Matcher m = AMOUNT.matcher(word);
        if (!m.matches()) throw new LineError(what + " must be a number with a unit like 512KiB or 2MiB, not '" + word + "'");
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "b" -> 1;
            case "kib" -> KIB;
            case "mib" -> MIB;
            case "gib" -> GIB;
            case "kb" -> 1000;
            case "mb" -> 1000_000;
            case "gb" -> 1000_000_000;
            case "" -> throw new LineError(what + " '" + word + "' has no unit: write " + word + "B, " + word + "KiB, " + word + "MiB or "
                    + word + "GiB");
            default -> throw new LineError(what + " '" + word + "' has an unknown unit '" + m.group(2)
                    + "' (use B, KiB, MiB, GiB, or KB, MB, GB for powers of 1000)");
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(max)) > 0) throw new LineError(what + " " + word + " is larger than " + size(max));
        return bytes.longValue();
    }

    /** {@code 1%}, {@code 0.5%} as a fraction 0.0 to 1.0. */
    static double percent(String word, String what) {
        Matcher m = AMOUNT.matcher(word);
        if (!m.matches() || !m.group(2).equals("%")) {
            throw new LineError(what + " must be a percentage like 1% or 0.5%, not '" + word + "'");
        }
        BigDecimal p = new BigDecimal(m.group(1));
        if (p.compareTo(BigDecimal.valueOf(100)) > 0) throw new LineError(what + " " + word + " is over 100%");
        return p.movePointLeft(2).doubleValue();
    }

    /** The largest unit that is exact: {@code 2m}, {@code 30s}, {@code 1500ms}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms != 0 && ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    /** The largest unit that is exact, binary before decimal: {@code 64MiB}, {@code 5MB}, {@code 1500B}. */
    static String size(long bytes) {
        if (bytes != 0) {
            long[] units = {GIB, MIB, KIB, 1000_000_000, 1000_000, 1000};
            String[] names = {"GiB", "MiB", "KiB", "GB", "MB", "KB"};
            for (int i = 0; i < units.length; i++) {
                if (bytes % units[i] == 0) return bytes / units[i] + names[i];
            }
        }
        return bytes + "B";
    }

    static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros().toPlainString() + "%";
    }

    /** A double-quoted string with {@code "} and {@code \} escaped. */
    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
