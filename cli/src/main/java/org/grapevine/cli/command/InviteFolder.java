package org.grapevine.cli.command;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;
import org.grapevine.cli.ExitCodes;
import org.grapevine.cli.UserError;
import org.grapevine.identity.content.Content;

/**
 * An invite written as a folder for someone who has no Grapevine: the runnable jar, the code,
 * the name the guest goes by, start scripts for Unix and Windows that run {@code channel guest}
 * with a home inside the folder (or {@code $GRAPEVINE_HOME}), and a short read-me.
 */
final class InviteFolder {
    static final String CODE = "invite.txt";
    static final String NAME = "name.txt";
    static final String JAR = "grapevine.jar";

    private InviteFolder() {}

    /** Writes the folder {@code dir} (new, or empty) for {@code code}; the folder. */
    static Path write(Path dir, String code, String guest) {
        Path jar = runningJar().orElseThrow(() -> new UserError(ExitCodes.FAILURE,
                "--bundle copies the program's jar, but this one does not run from a jar (run it as ./grapevine does)"));
        return write(dir, code, guest, jar);
    }

    /**
     * The folder a test network's {@code channel bundle} step writes: the same, but without the
     * jar when this program does not run from one (as in the tests).
     */
    static void forTestnet(Path dir, String code, String guest) {
        write(dir, code, guest, runningJar().orElse(null));
    }

    /** Writes the folder, with a copy of {@code jar} unless it is null. */
    private static Path write(Path dir, String code, String guest, Path jar) {
        try {
            new Content.About(guest, "", null);
        } catch (IllegalArgumentException e) {
            throw new UserError(ExitCodes.USAGE, "--for: " + e.getMessage());
        }
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) throw new UserError(ExitCodes.USAGE, "--bundle: " + dir + " is not a folder");
                try (Stream<Path> in = Files.list(dir)) {
                    if (in.findAny().isPresent()) throw new UserError(ExitCodes.USAGE, "--bundle: " + dir + " is not empty");
                }
            }
            Files.createDirectories(dir);
            if (jar != null) Files.copy(jar, dir.resolve(JAR), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve(CODE), code + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(NAME), guest + "\n", StandardCharsets.UTF_8);
            Path start = dir.resolve("start");
            Files.writeString(start, UNIX, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(start, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: start.cmd is the one to run there.
            }
            Files.writeString(dir.resolve("start.cmd"), WINDOWS.replace("\n", "\r\n"), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("README.txt"), README, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot write the invite folder " + dir + ": " + e.getMessage());
        }
        return dir;
    }

    /** The jar this program runs from, if it runs from one. */
    private static Optional<Path> runningJar() {
        try {
            Path p = Path.of(InviteFolder.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) return Optional.of(p);
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // Not from a jar, as far as can be told.
        }
        return Optional.empty();
    }

    private static final String UNIX = """
            #!/bin/sh
            # Joins the Grapevine channel of invite.txt and saves its photos and posts in photos/.
            # Needs Java 17 or later. Run it again to fetch what is new.
            dir=$(cd "$(dirname "$0")" && pwd)
            java=java
            [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java="$JAVA_HOME/bin/java"
            version=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
            if [ -z "$version" ] || [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
              echo "This needs Java 17 or later (found: ${version:-none}). Install it, from https://adoptium.net for example, then run this again." >&2
              exit 1
            fi
            flags=""
            # Java 24 and later warn about the network library's native and memory access unless told it may.
            [ "${version%%.*}" -ge 24 ] 2>/dev/null && flags="--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
            exec "$java" $flags -jar "$dir/grapevine.jar" channel guest --home "${GRAPEVINE_HOME:-$dir/home}" \\
              --as "$(cat "$dir/name.txt")" --save "$dir/photos" "$dir/invite.txt" "$@"
            """;

    private static final String WINDOWS = """
            @echo off
            rem Joins the Grapevine channel of invite.txt and saves its photos and posts in photos\\.
            rem Needs Java 17 or later. Run it again to fetch what is new.
            setlocal
            set "DIR=%~dp0"
            if "%GRAPEVINE_HOME%"=="" set "GRAPEVINE_HOME=%DIR%home"
            set /p NAME=<"%DIR%name.txt"
            java -jar "%DIR%grapevine.jar" channel guest --home "%GRAPEVINE_HOME%" --as "%NAME%" --save "%DIR%photos" "%DIR%invite.txt" %*
            pause
            """;

    private static final String README = """
            You are invited to a private Grapevine channel: its photos and posts are shared among
            its members only.

            1. Install Java 17 or later if this computer has none (https://adoptium.net).
            2. Run the start script in this folder: ./start in a terminal (Windows: double-click
               start.cmd).

            It makes a Grapevine node in the folder "home", joins the channel, waits until it has
            what the members' computers it reaches have, and saves every photo and a posts.txt in
            the folder "photos". Run it again later for what is new.

            This folder holds the channel's secret: whoever has a copy can join. Keep it among the
            people it was meant for.
            """;
}
