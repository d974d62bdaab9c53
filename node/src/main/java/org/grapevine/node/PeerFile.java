package org.grapevine.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.grapevine.gossip.discovery.PeerAddress;
import org.grapevine.gossip.discovery.PeerTable;

/**
 * The peer table across restarts: one line per address, {@code endpoint[id] source lastSeenMillis}.
 * A line that does not parse is skipped, not fatal: the file only speeds up reconnecting.
 */
final class PeerFile {
    private PeerFile() {}

    static void load(Path file, PeerTable table) {
        if (!Files.exists(file)) return;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split(" ");
                if (f.length != 3) continue;
                try {
                    table.restore(PeerAddress.parse(f[0]), PeerTable.Source.valueOf(f[1]), Long.parseLong(f[2]));
                } catch (IllegalArgumentException skip) {
                    // A damaged line costs one address, nothing more.
                }
            }
        } catch (IOException e) {
            // Unreadable: start from the bootstrap list alone.
        }
    }

    static void save(Path file, PeerTable table) throws IOException {
        List<String> lines = new ArrayList<>();
        for (PeerTable.Known k : table.all()) {
            lines.add(k.address() + " " + k.source() + " " + k.lastSeen());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
