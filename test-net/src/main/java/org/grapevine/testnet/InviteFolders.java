package org.grapevine.testnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an invite folder, as {@code grapevine channel invite --bundle} does, for a scenario's
 * {@code channel bundle} step; the guest then joins from the two files its start script reads.
 */
@FunctionalInterface
public interface InviteFolders {
    /** The file holding the invite code. */
    String CODE = "invite.txt";
    /** The file holding the name the guest goes by. */
    String NAME = "name.txt";

    /** Writes the folder {@code dir} for a guest going by {@code guest}, with the invite {@code code}. */
    void write(Path dir, String code, String guest) throws IOException;

    /** Only the two files a guest's start script reads: what test-net writes on its own, without the command line. */
    InviteFolders CODE_AND_NAME = (dir, code, guest) -> {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CODE), code + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(NAME), guest + "\n", StandardCharsets.UTF_8);
    };
}
