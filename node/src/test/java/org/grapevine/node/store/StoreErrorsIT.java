package org.grapevine.node.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store in a process that has run out of file descriptors: a write fails with one clear line,
 * reading goes on, and once descriptors are back writing works again and nothing is lost.
 */
class StoreErrorsIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWriteWithNoFileDescriptorsLeftFailsCleanlyAndReadingGoesOn() throws Exception {
        Path file = dir.resolve("store.db");
        Path stderr = dir.resolve("child-stderr.txt");
        Process child = ChildJvm.startLimited(StoreErrorsChild.class, stderr, 256, file.toString());
        List<String> lines;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            lines = out.lines().toList();
        }
        assertEquals(0, child.waitFor(), () -> "child failed: " + lines + "\n" + ChildJvm.stderr(stderr));
        String all = String.join("\n", lines) + "\n" + ChildJvm.stderr(stderr);
        assertTrue(lines.get(0).startsWith("hogged "), all);
        for (int i = 0; i < 3; i++) {
            String post = lines.get(1 + 2 * i);
            assertTrue(post.startsWith("post failed: cannot write the store") && post.contains("Too many open files"), all);
            assertEquals("read 5 5", lines.get(2 + 2 * i), all);
        }
        assertEquals(List.of("post after ok", "read 6 6", "closed"), lines.subList(7, 10), all);

        try (Store store = Store.open(file)) {
            assertEquals(6, Logs.verifyLog(store, Logs.identity(7).id()));
        }
    }
}
